package relay

import (
	"net/http"
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
	if up := removeHopHeaders(h); up != "websocket" {
		t.Errorf("upgrade = %q, want websocket", up)
	}
	if len(h) != 1 || h.Get("X-End") != "kept" {
		t.Fatalf("left %v, want only X-End", h)
	}
}

func TestRemoveHopHeadersNoUpgradeWithoutConnectionToken(t *testing.T) {
	h := http.Header{}
	h.Set("Upgrade", "websocket") // not named in Connection: not an upgrade request
	if up := removeHopHeaders(h); up != "" {
		t.Fatalf("upgrade = %q, want none", up)
	}
}
