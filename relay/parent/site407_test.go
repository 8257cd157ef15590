package parent

import (
	"errors"
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/failure"
)

// site407Parent is a parent that passes a site's 407 on with the site's
// Proxy-Authenticate, as squid does toward a cache_peer with
// login=PASSTHRU: every request it lets through gets head, the site's 407.
func site407Parent(t *testing.T, head string) *testenv.FakeParent {
	return testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Custom = func(c net.Conn, _ *http.Request) { _, _ = io.WriteString(c, head) }
	})
}

// causeOf fetches a plain http:// URL through u and returns the cause of its failure.
func causeOf(t *testing.T, u *Upstream) failure.Cause {
	t.Helper()
	resp, err := (&http.Client{Transport: u}).Get("http://origin.example/")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("status %d, want an error", resp.StatusCode)
	}
	var e *failure.Error
	if !errors.As(err, &e) {
		t.Fatalf("err %v is no failure.Error", err)
	}
	return e.Cause
}

// TestSite407WithFerrysSchemeRestsNothing: the site's 407 offers Basic
// with the parent's realm, but its head is not the parent's own 407 (which
// ferry saw when it logged on): site_proxy_auth, and nothing rests.
func TestSite407WithFerrysSchemeRestsNothing(t *testing.T) {
	p := site407Parent(t, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"fake\"\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nServer: a-site\r\nContent-Length: 0\r\n\r\n")
	guard := auth.NewGuard(0, nil)
	u := New(Config{Addr: p.Addr, Auth: basicAuth(t, "alice", "secret"), Guard: guard})
	t.Cleanup(u.Retire)
	for i := 0; i < 3; i++ {
		if c := causeOf(t, u); c != failure.SiteProxyAuth {
			t.Errorf("request %d: cause %s, want site_proxy_auth", i, c)
		}
	}
	if n := len(guard.Snapshot()); n != 0 {
		t.Errorf("%d credentials rest after a site's 407, want none", n)
	}
	if n := p.FailedLogons(); n != 0 {
		t.Errorf("the parent saw %d failed logons", n)
	}
}

// TestSite407LikeTheParentsOwnRests: a 407 after ferry's credentials whose
// head matches the parent's own 407 is taken for a refusal, whoever wrote
// it: resting good credentials is the safe side of the lockout rule. It
// costs one refused logon at the parent's word, and no more.
func TestSite407LikeTheParentsOwnRests(t *testing.T) {
	p := site407Parent(t, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"fake\"\r\nContent-Length: 0\r\n\r\n")
	guard := auth.NewGuard(0, nil)
	u := New(Config{Addr: p.Addr, Auth: basicAuth(t, "alice", "secret"), Guard: guard})
	t.Cleanup(u.Retire)
	if c := causeOf(t, u); c != failure.CredentialsRejected {
		t.Errorf("cause %s, want credentials_rejected", c)
	}
	if c := causeOf(t, u); c != failure.LockedOut {
		t.Errorf("second request: cause %s, want locked_out", c)
	}
	if n := p.Attempts(); n != 1 {
		t.Errorf("the parent got credentials %d times, want 1", n)
	}
}

// TestSite407AsksTheParentsOwnFirst: with the scheme configured, Basic goes
// out with the first request, before ferry has seen the parent's own 407.
// ferry then asks for one without credentials (no logon) and tells the
// site's 407 from it.
func TestSite407AsksTheParentsOwnFirst(t *testing.T) {
	p := site407Parent(t, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"fake\"\r\n"+
		"Content-Type: text/html\r\nContent-Length: 0\r\n\r\n")
	guard := auth.NewGuard(0, nil)
	a := basicAuth(t, "alice", "secret")
	u := New(Config{Addr: p.Addr, Auth: a, Guard: guard})
	t.Cleanup(u.Retire)
	u.verified.Store(true) // a logon succeeded before: Basic goes out at once
	if c := causeOf(t, u); c != failure.SiteProxyAuth {
		t.Errorf("cause %s, want site_proxy_auth", c)
	}
	if n := len(guard.Snapshot()); n != 0 {
		t.Errorf("%d credentials rest after a site's 407, want none", n)
	}
	if n := p.Attempts(); n != 1 {
		t.Errorf("the parent got credentials %d times, want 1 (the question for its own 407 carries none)", n)
	}
}
