package relay

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// closingParent reads a whole request and closes the connection without
// answering: a parent that died while handling it.
func closingParent(t *testing.T) *fakeParent {
	return startFakeParent(t, func(p *fakeParent) {
		p.open = true
		p.custom = func(net.Conn, *http.Request) {}
	})
}

func post(t *testing.T, c *http.Client, url string, n int) (int, string) {
	t.Helper()
	resp, err := c.Post(url, "application/octet-stream", strings.NewReader(strings.Repeat("x", n)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestDeadParentBodyGoesOnWhenKept: a small body the dead parent took is
// kept, so the next parent gets it whole.
func TestDeadParentBodyGoesOnWhenKept(t *testing.T) {
	bad, good := closingParent(t), startFakeParent(t, func(p *fakeParent) { p.open = true })
	s, proxy := startRelay(t, Config{Parents: []string{bad.addr(), good.addr()}})
	status, body := post(t, client(proxy), "http://origin.example/up", 1000)
	if status != 200 || body != "hello POST http://origin.example/up body=1000" {
		t.Fatalf("POST past a dead parent: %d %q", status, body)
	}
	if len(bad.requests()) != 1 {
		t.Fatalf("the dead parent saw %d requests, want 1", len(bad.requests()))
	}
	if st := s.Upstreams()[0].Stats(); st.Up || st.LastCause != CauseParentError {
		t.Fatalf("dead parent: up %v cause %q", st.Up, st.LastCause)
	}
}

// TestDeadParentBodyTooLargeIsNotSentTwice: a body larger than the replay
// buffer that the dead parent took cannot be sent again, so the app gets the
// error and the next parent nothing (half a body would be worse).
func TestDeadParentBodyTooLargeIsNotSentTwice(t *testing.T) {
	bad, good := closingParent(t), startFakeParent(t, func(p *fakeParent) { p.open = true })
	_, proxy := startRelay(t, Config{Parents: []string{bad.addr(), good.addr()}})
	status, body := post(t, client(proxy), "http://origin.example/up", 3*replayLimit)
	if status != http.StatusBadGateway || !strings.Contains(body, "closed the connection without answering") {
		t.Fatalf("large POST to a dead parent: %d %q", status, body)
	}
	if n := len(good.requests()); n != 0 {
		t.Fatalf("the next parent got %d requests with a body already consumed", n)
	}
}

// TestDirectFallbackGetsTheWholeBody: with direct_fallback, the site gets
// the body from its start though the dead parent read it first.
func TestDirectFallbackGetsTheWholeBody(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "got %d", len(b))
	}))
	defer origin.Close()
	bad := closingParent(t)
	_, proxy := startRelay(t, Config{Parents: []string{bad.addr()}, DirectFallback: true})
	c := client(proxy)
	for range 2 { // first past the dead parent, then straight
		if status, body := post(t, c, origin.URL+"/up", 5000); status != 200 || body != "got 5000" {
			t.Fatalf("POST with direct_fallback: %d %q", status, body)
		}
	}
	if n := len(bad.requests()); n != 1 {
		t.Fatalf("the dead parent saw %d requests; once down it should be skipped", n)
	}
}
