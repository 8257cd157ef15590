package e2e

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestWrongPasswordCostsOneFailedLogon is the lockout guard: a domain locks
// the account after a few failed logons, so however many applications ask at
// once, ferry may try a rejected password once, and must tell the
// applications what to fix instead of passing a 407 they cannot answer.
func TestWrongPasswordCostsOneFailedLogon(t *testing.T) {
	tests := []struct {
		kind  parentKind
		count func(*testenv.Squid) int // failed logons the parent saw
	}{
		{parentKind{"basic", startBasicParent}, (*testenv.Squid).FailedLogons},
		{parentKind{"digest", startDigestParent}, (*testenv.Squid).DeniedWithCredentials},
		{parentKind{"ntlm-verified", startVerifiedNTLMParent}, (*testenv.Squid).FailedLogons},
	}
	for _, tc := range tests {
		t.Run(tc.kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := tc.kind.start(t, o, testenv.SquidOptions{})
			const wrong = "Wrong-pw 9!"
			a := p.Auth
			a.Password = wrong
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, a), p.Env...)
			c := proxyClient(t, o, f)

			check := func(i int) {
				resp, err := c.Get(o.URL + "/echo")
				if err != nil {
					t.Errorf("request %d: %v", i, err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadGateway {
					t.Errorf("request %d: status %d, want 502 (never 407: applications cannot answer it)", i, resp.StatusCode)
				}
				text := strings.ToLower(string(body))
				for _, want := range []string{p.Squid.Addr, "alice", "password"} {
					if !strings.Contains(text, strings.ToLower(want)) {
						t.Errorf("request %d: the error page does not mention %q:\n%s", i, want, body)
						break
					}
				}
			}
			// Ten applications at once, then ten more one by one.
			var wg sync.WaitGroup
			for i := 0; i < 10; i++ {
				wg.Add(1)
				go func() { defer wg.Done(); check(i) }()
			}
			wg.Wait()
			for i := 10; i < 20; i++ {
				check(i)
			}
			// The tunnel path goes through the same guard.
			if resp, err := c.Get(o.TLSURL + "/echo"); err == nil {
				resp.Body.Close()
				t.Errorf("CONNECT with a rejected password succeeded: %d", resp.StatusCode)
			}

			if got := tc.count(p.Squid); got != 1 {
				t.Errorf("the parent saw %d failed logons for 21 requests, want exactly 1\nhelper: %q\naccess log:\n%s",
					got, p.Squid.HelperAnswers(), strings.Join(p.Squid.AccessLogLines(), "\n"))
			}
			t.Logf("failed logons at the parent: %d", tc.count(p.Squid))
			f.AssertLogHasNo(t, wrong)
		})
	}
}
