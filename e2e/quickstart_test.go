package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestQuickStartWithFlagsOnly is README's first run: no config file, the
// parent and the user on the command line, the password in FERRY_PASSWORD.
// It must log on to Basic, Digest and (Samba-verified) NTLM parents, say in
// its start log where the identity comes from, and `ferry doctor` with the
// same flags must reach the same verdict.
func TestQuickStartWithFlagsOnly(t *testing.T) {
	o := testenv.StartOrigin(t)
	for _, kind := range []parentKind{
		{"basic", startBasicParent},
		{"digest", startDigestParent},
		{"ntlm-verified", startVerifiedNTLMParent},
	} {
		t.Run(kind.name, func(t *testing.T) {
			p := kind.start(t, o, testenv.SquidOptions{})
			user := p.Auth.User
			if p.Auth.Domain != "" {
				user = p.Auth.Domain + `\` + user
			}
			env := []string{"FERRY_PASSWORD=" + p.Auth.Password}
			f := testenv.StartFerryArgs(t, []string{"--listen", "127.0.0.1:0", "--parent", p.Squid.Addr, "--user", user}, env...)
			c := proxyClient(t, o, f)
			getEcho(t, c, o.URL+"/echo", nil)
			getEcho(t, c, fmt.Sprintf("https://127.0.0.1:%d/echo", o.TLSPort), nil)
			log := f.Stderr()
			if !strings.Contains(log, `from="password from FERRY_PASSWORD"`) || strings.Contains(log, "ticket cache") {
				t.Errorf("the start log does not say the password came from FERRY_PASSWORD:\n%s", log)
			}
			checkLogClean(t, f, p)

			res, status := runDoctorArgs(t, []string{"--parent", p.Squid.Addr, "--user", user}, env, urlsFor(o)...)
			wantVerdict(t, res, status, "ok")
		})
	}
}
