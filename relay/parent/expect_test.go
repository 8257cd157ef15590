package parent

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
)

func digestAuth(t testing.TB) *auth.Authenticator {
	t.Helper()
	a, err := auth.New(auth.Config{Scheme: "digest", User: "alice", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func basicAuth(t testing.TB, user, password string) *auth.Authenticator {
	t.Helper()
	a, err := auth.New(auth.Config{Scheme: "basic", User: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestExpectKeepsLargeBodies: a body too large to send twice goes to a
// Digest parent (whose nonce may be stale) with Expect: 100-continue, and
// arrives whole whatever the parent does with the expectation.
func TestExpectKeepsLargeBodies(t *testing.T) {
	for _, tc := range []struct {
		name string
		// onHead answers a head carrying Expect: 100-continue, or returns
		// false to let the fake parent read the body as usual.
		onHead func(n int64, c net.Conn, br *bufio.Reader) bool
	}{
		{"parent ignores Expect", nil},
		{"parent sends 100 Continue", func(_ int64, c net.Conn, _ *bufio.Reader) bool {
			_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
			return false
		}},
		{"parent refuses Expect with 417", func(_ int64, c net.Conn, _ *bufio.Reader) bool {
			_, _ = io.WriteString(c, "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
			return true
		}},
		{"parent answers the head 407 stale and waits for the body, as squid does", func(n int64, c net.Conn, br *bufio.Reader) bool {
			if n%2 == 1 {
				return false
			}
			fmt.Fprintf(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Digest realm=\"fake\", nonce=\"s%d\", qop=\"auth\", stale=true\r\nContent-Length: 0\r\n\r\n", n)
			_, _ = io.Copy(io.Discard, br)
			return true
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testenv.CheckLeaks(t, nil)
			var expects atomic.Int64
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.Digest = true
				p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
					if req.Header.Get("Expect") != "100-continue" {
						return false
					}
					n := expects.Add(1)
					return tc.onHead != nil && tc.onHead(n, c, br)
				}
			})
			u := New(Config{Addr: p.Addr, Auth: digestAuth(t)})
			t.Cleanup(u.Retire)
			c := &http.Client{Transport: u}
			for i := range 4 {
				status, b := testenv.PostUnresendable(t, c, ReplayLimit)
				if want := "body=65540"; status != 200 || !strings.HasSuffix(b, want) {
					t.Fatalf("upload %d: got %d %q, want 200 ...%s", i, status, b, want)
				}
			}
			if expects.Load() == 0 {
				t.Fatal("no upload went with Expect: 100-continue")
			}
		})
	}
}
