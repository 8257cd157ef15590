package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestParentRefusalReachesTheClient: a parent that blocks a site after
// authenticating answers 403; ferry must pass that on as a refusal, not
// treat it as a failed logon (no lockout) or hide it behind a 502.
func TestParentRefusalReachesTheClient(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startNTLMParent(t, o, testenv.SquidOptions{DenyDomains: []string{"localhost"}})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	blocked := strings.Replace(o.URL, "127.0.0.1", "localhost", 1) + "/echo"
	for i := 0; i < 3; i++ {
		resp, err := c.Get(blocked)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("blocked site: status %d, want 403; body:\n%s", resp.StatusCode, body)
		}
	}
	// The refusal did not lock the credentials out.
	getEcho(t, c, o.URL+"/echo", nil)
	checkLogClean(t, f, p)
}
