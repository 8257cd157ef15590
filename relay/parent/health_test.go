package parent

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/failure"
)

// TestTryListOrder: parents up are tried as routed; a parent down for a
// refusal stays as a last resort; one down for silence is left out, and so
// is every down parent when direct_fallback can take the request.
func TestTryListOrder(t *testing.T) {
	up := func(addr string) *Upstream { return New(Config{Addr: addr}) }
	down := func(addr string, c failure.Cause) *Upstream {
		u := up(addr)
		u.h.down, u.h.lastErr = true, &failure.Error{Cause: c, What: addr + " failed"}
		return u
	}
	a, b, c, d := up("a:1"), down("b:1", failure.ParentTimeout), up("c:1"), down("d:1", failure.ParentRefused)
	names := func(us []*Upstream) string {
		var s []string
		for _, u := range us {
			s = append(s, u.addr)
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		parents        []*Upstream
		fallbackDirect bool
		want           string
		skipped        string
	}{
		{[]*Upstream{a, c}, false, "a:1 c:1", ""},
		{[]*Upstream{a, b, c, d}, false, "a:1 c:1 d:1", "b:1"},
		{[]*Upstream{b, a, d, c}, false, "a:1 d:1 c:1", "b:1"},
		{[]*Upstream{a, b, c, d}, true, "a:1 c:1", "b:1"},
		{[]*Upstream{d, b}, true, "", "d:1"},
	} {
		try, skipped := TryList(tc.parents, tc.fallbackDirect)
		got, why := names(try), ""
		if skipped != nil {
			why = skipped.Peer
		}
		if got != tc.want || why != tc.skipped {
			t.Errorf("%s (fallback %v): try %q skipped %q; want %q and %q", names(tc.parents), tc.fallbackDirect, got, why, tc.want, tc.skipped)
		}
	}
}

// TestProbeBringsParentBack: a parent that dropped connections is down;
// once it answers again, the backoff probe (OPTIONS *, no credentials)
// brings it back without any request paying for the attempt.
func TestProbeBringsParentBack(t *testing.T) {
	var broken atomic.Bool
	broken.Store(true)
	flaky := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(c net.Conn, req *http.Request) {
			if !broken.Load() {
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
			}
		}
	})
	u := New(Config{Addr: flaky.Addr})
	t.Cleanup(u.Retire)
	if resp, err := (&http.Client{Transport: u}).Get("http://origin.example/"); err == nil {
		resp.Body.Close()
		t.Fatalf("status %d from a parent that drops every request, want an error", resp.StatusCode)
	}
	if u.Stats().Up {
		t.Fatal("the parent that dropped the request is not down")
	}
	broken.Store(false)
	for deadline := time.Now().Add(5 * time.Second); !u.Stats().Up; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the parent answers again but is still down after 5 s: %+v", u.Stats())
		}
	}
	var probes int
	for _, r := range flaky.Requests() {
		if r.Method == http.MethodOptions && r.RequestURI == "*" && r.Header.Get("Proxy-Authorization") == "" {
			probes++
		}
	}
	if probes == 0 {
		t.Fatal("no OPTIONS * probe reached the parent")
	}
}
