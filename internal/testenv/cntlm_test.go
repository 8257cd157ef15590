//go:build unix

package testenv

import (
	"os/exec"
	"testing"
)

// Debian's cntlm 0.92.3 is the benchmark's reference relay: it must get
// through a squid that really checks NTLMv2, and a wrong password must not.
func TestCntlmThroughSquidWithNTLMVerifier(t *testing.T) {
	Require(t, "cntlm", "cntlm", "curl")
	v := StartNTLMVerifier(t, map[string]string{"ferryalice": "Alice-pw1"})
	o := StartOrigin(t)
	sq := StartSquid(t, squidOptionsForNTLMVerifier(v))

	for _, tc := range []struct {
		password string
		want     string
	}{{"Alice-pw1", "200"}, {"Alice-pw2", "407"}} {
		addr := StartCntlm(t, sq.Addr, "ferryalice", v.Domain, tc.password).Addr
		out, err := exec.Command("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
			"-x", "http://"+addr, o.URL+"/echo").CombinedOutput()
		if err != nil {
			t.Fatalf("curl through cntlm: %v\n%s", err, out)
		}
		if string(out) != tc.want {
			t.Errorf("cntlm with password %q: status %s, want %s", tc.password, out, tc.want)
		}
	}
}
