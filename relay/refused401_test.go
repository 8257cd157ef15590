package relay

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestParent401RepeatingChallengeIsRejection: tinyproxy answers wrong
// credentials with 401 and a WWW-Authenticate repeating its 407's challenge.
// That is a failed logon: the app gets the credentials page, and the guard
// keeps ferry from trying the password again.
func TestParent401RepeatingChallengeIsRejection(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Refuse401 = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "wrong")})
	c := closingClient(t, proxy)
	for i := range 5 {
		resp, body := get(t, c, "http://origin.example/")
		if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "rejected") {
			t.Fatalf("request %d: status %d, want 502 saying the credentials were rejected:\n%s", i, resp.StatusCode, body)
		}
	}
	if n := p.FailedLogons(); n != 1 {
		t.Errorf("parent saw %d failed logons, want 1", n)
	}
}

// TestSite401ReachesApp: a 401 that is not the parent refusing ferry's
// reply to its challenge is a site asking for its own login, and goes to the
// app as it came.
func TestSite401ReachesApp(t *testing.T) {
	for _, tc := range []struct {
		name  string
		realm string
		warm  bool // a request before: the session is established
	}{
		{"another realm on the logon leg", "site", false},
		{"the parent's realm on an established session", "fake", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.Custom = func(c net.Conn, req *http.Request) {
					if req.URL.Path != "/login" {
						fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
						return
					}
					fmt.Fprintf(c, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=%q\r\nContent-Length: 5\r\n\r\nlogin", tc.realm)
				}
			})
			_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")})
			c := closingClient(t, proxy)
			if tc.warm {
				if resp, body := get(t, c, "http://origin.example/"); resp.StatusCode != 200 {
					t.Fatalf("first request: %d %q", resp.StatusCode, body)
				}
			}
			resp, body := get(t, c, "http://origin.example/login")
			if resp.StatusCode != http.StatusUnauthorized || body != "login" || resp.Header.Get("WWW-Authenticate") == "" {
				t.Fatalf("got %d %q %v, want the site's 401", resp.StatusCode, body, resp.Header)
			}
			if resp, body := get(t, c, "http://origin.example/"); resp.StatusCode != 200 {
				t.Fatalf("request after the 401: %d %q", resp.StatusCode, body)
			}
		})
	}
}
