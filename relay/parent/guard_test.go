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

// TestSite407IsNotARejection: a 407 without a challenge after the
// credentials were accepted is the site's own, passed on by the parent; it
// gets its own verdict and rests nothing.
func TestSite407IsNotARejection(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Custom = func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
		}
	})
	guard := auth.NewGuard(0, nil)
	u := New(Config{Addr: p.Addr, Auth: basicAuth(t, "alice", "secret"), Guard: guard})
	t.Cleanup(u.Retire)
	for i := 0; i < 3; i++ {
		resp, err := (&http.Client{Transport: u}).Get("http://origin.example/")
		if err == nil {
			resp.Body.Close()
			t.Fatalf("request %d: status %d, want the site_proxy_auth error", i, resp.StatusCode)
		}
		var e *failure.Error
		if !errors.As(err, &e) || e.Cause != failure.SiteProxyAuth {
			t.Errorf("request %d: err %v, want cause site_proxy_auth", i, err)
		}
	}
	if n := len(guard.Snapshot()); n != 0 {
		t.Errorf("%d credentials rest after a site's 407, want none", n)
	}
	if n := p.FailedLogons(); n != 0 {
		t.Errorf("the parent saw %d failed logons", n)
	}
}
