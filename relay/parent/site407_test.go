package parent

import (
	"bufio"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/failure"
)

// site407Parent is a Basic parent whose own 407 says "Server: fakeproxy"
// and that passes a site's 407 on with the site's Proxy-Authenticate, as
// squid does toward a cache_peer with login=PASSTHRU: every request with
// the right credentials for site.example gets site, the site's 407; for
// other hosts, 200. creds counts the requests that carried credentials.
func site407Parent(t *testing.T, site string, creds *atomic.Int64) *testenv.FakeParent {
	good := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:secret"))
	return testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.OnHead = func(c net.Conn, _ *bufio.Reader, req *http.Request) bool {
			got := req.Header.Get("Proxy-Authorization")
			if got != "" {
				creds.Add(1)
			}
			if got != good {
				_, _ = io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"fake\"\r\n"+
					"Server: fakeproxy\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
				return true
			}
			if req.URL.Host == "site.example" {
				_, _ = io.WriteString(c, site)
			} else {
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			}
			return true
		}
	})
}

// site407Upstream is an Upstream, logging on with Basic as alice, to a
// site407Parent whose site's 407 carries the header lines marks after its
// Basic challenge; creds counts the requests that carried credentials.
func site407Upstream(t *testing.T, marks string) (u *Upstream, guard *auth.Guard, creds *atomic.Int64) {
	creds = new(atomic.Int64)
	p := site407Parent(t, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"fake\"\r\n"+
		marks+"Content-Length: 0\r\n\r\n", creds)
	guard = auth.NewGuard(0, nil)
	u = New(Config{Addr: p.Addr, Auth: basicAuth(t, "alice", "secret"), Guard: guard})
	t.Cleanup(u.Retire)
	return u, guard, creds
}

// getOther fetches http://origin.example/, which the parent serves.
func getOther(t *testing.T, u *Upstream) {
	t.Helper()
	resp, err := (&http.Client{Transport: u}).Get("http://origin.example/")
	if err != nil {
		t.Fatalf("a request to another site: %v", err)
	}
	resp.Body.Close()
}

// causeOf fetches http://site.example/ through u and returns the cause of
// its failure.
func causeOf(t *testing.T, u *Upstream) failure.Cause {
	t.Helper()
	resp, err := (&http.Client{Transport: u}).Get("http://site.example/")
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
// with the parent's realm, but it lacks the Server header of the parent's
// own 407 (which ferry saw when it logged on): site_proxy_auth, and nothing
// rests.
func TestSite407WithFerrysSchemeRestsNothing(t *testing.T) {
	u, guard, _ := site407Upstream(t, "Content-Type: text/plain; charset=utf-8\r\n")
	for i := 0; i < 3; i++ {
		if c := causeOf(t, u); c != failure.SiteProxyAuth {
			t.Errorf("request %d: cause %s, want site_proxy_auth", i, c)
		}
		getOther(t, u)
	}
	if n := len(guard.Snapshot()); n != 0 {
		t.Errorf("%d credentials rest after a site's 407, want none", n)
	}
}

// TestSite407TwiceWithoutALogonRests: after Basic, a 407 told from the
// parent's by its head alone is the site's once; the second, with no
// request succeeding between, is a refusal, also after the credentials
// worked before. A parent whose refusal page differed from its 407 to no
// credentials would so cost a wrong password two failed logons, not one
// per request.
func TestSite407TwiceWithoutALogonRests(t *testing.T) {
	u, _, creds := site407Upstream(t, "Content-Type: text/plain; charset=utf-8\r\n")
	getOther(t, u)
	if c := causeOf(t, u); c != failure.SiteProxyAuth {
		t.Errorf("first: cause %s, want site_proxy_auth", c)
	}
	if c := causeOf(t, u); c != failure.CredentialsRejected {
		t.Errorf("second: cause %s, want credentials_rejected", c)
	}
	if n := creds.Load(); n != 3 {
		t.Errorf("the parent got credentials %d times, want 3", n)
	}
}

// TestSite407LikeTheParentsOwnRests: a 407 after ferry's credentials that
// has every header of the parent's own 407 is taken for a refusal, whoever
// wrote it, also when it carries more (a parent may add headers to its
// refusal): resting good credentials is the safe side of the lockout rule.
// The credentials go out once, and rest.
func TestSite407LikeTheParentsOwnRests(t *testing.T) {
	u, _, creds := site407Upstream(t, "Server: fakeproxy\r\nX-Squid-Error: ERR_CACHE_ACCESS_DENIED 0\r\n")
	if c := causeOf(t, u); c != failure.CredentialsRejected {
		t.Errorf("cause %s, want credentials_rejected", c)
	}
	if c := causeOf(t, u); c != failure.LockedOut {
		t.Errorf("second request: cause %s, want locked_out", c)
	}
	if n := creds.Load(); n != 1 {
		t.Errorf("the parent got credentials %d times, want 1", n)
	}
}

// TestSite407AsksTheParentsOwnFirst: once a logon has succeeded, Basic goes
// out with the first request on a new Upstream's connection before ferry
// has seen the parent's own 407. ferry then asks for one without
// credentials (no logon) and tells the site's 407 from it.
func TestSite407AsksTheParentsOwnFirst(t *testing.T) {
	u, guard, creds := site407Upstream(t, "Content-Type: text/html\r\n")
	u.verified.Store(true) // a logon succeeded before: Basic goes out at once
	if c := causeOf(t, u); c != failure.SiteProxyAuth {
		t.Errorf("cause %s, want site_proxy_auth", c)
	}
	if n := len(guard.Snapshot()); n != 0 {
		t.Errorf("%d credentials rest after a site's 407, want none", n)
	}
	if n := creds.Load(); n != 1 {
		t.Errorf("the parent got credentials %d times, want 1 (the question for its own 407 carries none)", n)
	}
}

// TestSite407FromMarklessParentRests: a parent whose own 407 carries none
// of the headers ferry compares gives nothing to tell a site's 407 by: a
// 407 with ferry's scheme after its credentials stays a refusal.
func TestSite407FromMarklessParentRests(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Custom = func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"fake\"\r\n"+
				"Content-Type: text/plain\r\nContent-Length: 0\r\n\r\n")
		}
	})
	guard := auth.NewGuard(0, nil)
	u := New(Config{Addr: p.Addr, Auth: basicAuth(t, "alice", "secret"), Guard: guard})
	t.Cleanup(u.Retire)
	if c := causeOf(t, u); c != failure.CredentialsRejected {
		t.Errorf("cause %s, want credentials_rejected", c)
	}
	if n := p.Attempts(); n != 1 {
		t.Errorf("the parent got credentials %d times, want 1", n)
	}
}

// ntlmSite407Parent is an NTLM parent whose own 407s say "Server:
// fakeproxy" and close the connection, and that answers the type 3 with
// afterLogon; a request without credentials that follows on the same
// connection gets forwarded, the site's 407 again, when logged is set, or
// the parent's own 407 when not. type3s counts the type 3 messages.
func ntlmSite407Parent(t *testing.T, afterLogon string, logged bool, type3s *atomic.Int64) *testenv.FakeParent {
	const own = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nServer: fakeproxy\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
	const site = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n"
	return testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.NTLM = true
		p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
			h := req.Header.Get("Proxy-Authorization")
			switch {
			case strings.HasPrefix(h, "NTLM TlRMTVNTUAAB"): // type 1: the challenge
				return false
			case !strings.HasPrefix(h, "NTLM TlRMTVNTUAAD"):
				_, _ = io.WriteString(c, own)
				return true
			}
			type3s.Add(1)
			_, _ = io.WriteString(c, afterLogon)
			next, err := http.ReadRequest(br)
			if err != nil {
				return true
			}
			if next.Header.Get("Proxy-Authorization") == "" && logged {
				_, _ = io.WriteString(c, site)
			} else {
				_, _ = io.WriteString(c, own)
			}
			return true
		}
	})
}

// TestSite407AfterNTLMAsksTheConnection: after NTLM's type 3, a 407 unlike
// the parent's own is the site's only when the connection turns out logged
// on, asked without credentials. A parent whose refusal differs from its
// own 407 (here "Server: otherproxy") is found out so, and the wrong
// password costs one failed logon.
func TestSite407AfterNTLMAsksTheConnection(t *testing.T) {
	for _, tc := range []struct {
		name, afterLogon string
		logged           bool
		want             failure.Cause
	}{
		{"site's 407", "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n",
			true, failure.SiteProxyAuth},
		{"refusal unlike the parent's 407", "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nServer: otherproxy\r\nContent-Length: 0\r\n\r\n",
			false, failure.CredentialsRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var type3s atomic.Int64
			p := ntlmSite407Parent(t, tc.afterLogon, tc.logged, &type3s)
			a, err := auth.New(auth.Config{Scheme: "ntlm", User: "alice", Domain: "CORP", Password: "secret"})
			if err != nil {
				t.Fatal(err)
			}
			guard := auth.NewGuard(0, nil)
			u := New(Config{Addr: p.Addr, Auth: a, Guard: guard, Spares: -1})
			t.Cleanup(u.Retire)
			if c := causeOf(t, u); c != tc.want {
				t.Errorf("cause %s, want %s", c, tc.want)
			}
			rests := len(guard.Snapshot()) != 0
			if rests != (tc.want == failure.CredentialsRejected) {
				t.Errorf("credentials rest: %v", rests)
			}
			if tc.want == failure.CredentialsRejected {
				if c := causeOf(t, u); c != failure.LockedOut {
					t.Errorf("second request: cause %s, want locked_out", c)
				}
			}
			if n := type3s.Load(); n != 1 {
				t.Errorf("the parent got %d type 3 messages, want 1", n)
			}
		})
	}
}
