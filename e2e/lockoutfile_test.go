package e2e

import (
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestDoctorRestHoldsInRunningFerry: a running ferry and `ferry doctor`
// (two processes sharing the lockout state file) with the same wrong
// password against a real squid. doctor meets the rejection first; the
// running ferry, which read the state file at its start, must learn of it
// before its own first logon: that logon would be the second failed one
// of the cool-down. A restart of ferry keeps the rest too.
func TestDoctorRestHoldsInRunningFerry(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	env := append(p.Env, "XDG_STATE_HOME="+testenv.TempDir(t))
	a := p.Auth
	a.Password = "Wrong-pw 9!"
	cfg := ferryConfig([]string{p.Squid.Addr}, a)
	f := testenv.StartFerry(t, cfg, env...)
	c := proxyClient(t, o, f)

	res, status := runDoctor(t, cfg, env, urlsFor(o)...)
	wantVerdict(t, res, status, "credentials_rejected")
	want502(t, c, o.URL+"/echo", "locked_out")
	if n := p.Squid.FailedLogons(); n != 1 {
		t.Errorf("squid saw %d failed logons from doctor and the running ferry, want 1", n)
	}

	f.Stop()
	f = testenv.StartFerry(t, cfg, env...)
	want502(t, proxyClient(t, o, f), o.URL+"/echo", "locked_out")
	if n := p.Squid.FailedLogons(); n != 1 {
		t.Errorf("squid saw %d failed logons after a restart, want 1", n)
	}
	f.AssertLogHasNo(t, a.Password)
}
