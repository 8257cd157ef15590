package parent

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/failure"
)

// TestParent401RepeatingChallengeIsRejection: tinyproxy answers wrong
// credentials with 401 and a WWW-Authenticate repeating its 407's challenge.
// That is a failed logon: the caller gets a credentials error, and the guard
// keeps ferry from trying the password again.
func TestParent401RepeatingChallengeIsRejection(t *testing.T) {
	testenv.CheckLeaks(t, nil)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Refuse401 = true })
	u := New(Config{Addr: p.Addr, Auth: basicAuth(t, "alice", "wrong")})
	t.Cleanup(u.Retire)
	c := &http.Client{Transport: u}
	for i := range 5 {
		resp, err := c.Get("http://origin.example/")
		if err == nil {
			resp.Body.Close()
			t.Fatalf("request %d: status %d, want an error saying the credentials were rejected", i, resp.StatusCode)
		}
		var e *failure.Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), "rejected") {
			t.Fatalf("request %d: err %v (%T), want a *failure.Error saying the credentials were rejected", i, err, err)
		}
	}
	if n := p.FailedLogons(); n != 1 {
		t.Errorf("parent saw %d failed logons, want 1", n)
	}
}

// TestSite401ReachesApp: a 401 that is not the parent refusing ferry's
// reply to its challenge is a site asking for its own login, and goes to the
// caller as it came.
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
			testenv.CheckLeaks(t, nil)
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.Custom = func(c net.Conn, req *http.Request) {
					if req.URL.Path != "/login" {
						fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
						return
					}
					fmt.Fprintf(c, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=%q\r\nContent-Length: 5\r\n\r\nlogin", tc.realm)
				}
			})
			u := New(Config{Addr: p.Addr, Auth: basicAuth(t, "alice", "secret")})
			t.Cleanup(u.Retire)
			c := &http.Client{Transport: u}
			get := func(url string) (*http.Response, string) {
				t.Helper()
				resp, err := c.Get(url)
				if err != nil {
					t.Fatalf("GET %s: %v", url, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp, string(b)
			}
			if tc.warm {
				if resp, body := get("http://origin.example/"); resp.StatusCode != 200 {
					t.Fatalf("first request: %d %q", resp.StatusCode, body)
				}
			}
			resp, body := get("http://origin.example/login")
			if resp.StatusCode != http.StatusUnauthorized || body != "login" || resp.Header.Get("WWW-Authenticate") == "" {
				t.Fatalf("got %d %q %v, want the site's 401", resp.StatusCode, body, resp.Header)
			}
			if resp, body := get("http://origin.example/"); resp.StatusCode != 200 {
				t.Fatalf("request after the 401: %d %q", resp.StatusCode, body)
			}
		})
	}
}
