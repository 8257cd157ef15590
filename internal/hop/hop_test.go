package hop

import (
	"net/http"
	"reflect"
	"testing"
)

func TestRemoveHopHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("Connection", "keep-alive, X-Hop, Upgrade")
	h.Set("X-Hop", "1")
	h.Set("Upgrade", "websocket")
	h.Set("Keep-Alive", "timeout=5")
	h.Set("Proxy-Authorization", "Basic Zm9vOmJhcg==")
	h.Set("Proxy-Connection", "keep-alive")
	h.Set("Te", "trailers")
	h.Set("Transfer-Encoding", "chunked")
	h.Set("X-End", "kept")
	if up := Remove(h); up != "websocket" {
		t.Errorf("upgrade = %q, want websocket", up)
	}
	if len(h) != 1 || h.Get("X-End") != "kept" {
		t.Fatalf("left %v, want only X-End", h)
	}
}

func TestRemoveHopHeadersNoUpgradeWithoutConnectionToken(t *testing.T) {
	h := http.Header{}
	h.Set("Upgrade", "websocket") // not named in Connection: not an upgrade request
	if up := Remove(h); up != "" {
		t.Fatalf("upgrade = %q, want none", up)
	}
}

func TestCopyEndToEndLeavesHopHeaders(t *testing.T) {
	src := http.Header{}
	src.Set("Connection", "close, X-Hop")
	src.Set("X-Hop", "1")
	src.Set("Keep-Alive", "timeout=5")
	src.Set("Transfer-Encoding", "chunked")
	src.Set("Proxy-Authenticate", "Basic realm=x")
	src.Add("Set-Cookie", "a=1")
	src.Add("Set-Cookie", "b=2")
	dst := http.Header{}
	CopyEndToEnd(dst, src)
	want := http.Header{"Set-Cookie": {"a=1", "b=2"}}
	if !reflect.DeepEqual(dst, want) {
		t.Fatalf("copied %v, want %v", dst, want)
	}
}
