package testenv

import (
	"fmt"
	"path/filepath"
	"testing"
)

// Cntlm is Debian's cntlm (0.92.3), the relay ferry succeeds, running in the
// foreground on 127.0.0.1 in front of a parent: the reference the NTLM
// checks and the benchmark compare ferry with. It is stopped when the test
// ends; its output (a line per request) is in Dir/cntlm.stderr.
type Cntlm struct {
	Addr string // 127.0.0.1:PORT
	Dir  string

	d *daemon
}

// StartCntlm starts cntlm for user in domain with password, forwarding to
// parent (host:port). It uses Auth NTLMv2: cntlm's Auth NT mode sends an
// all-zero response (a cntlm bug).
func StartCntlm(t testing.TB, parent, user, domain, password string) *Cntlm {
	t.Helper()
	Require(t, "cntlm", "cntlm")
	bin, err := lookPath("cntlm")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cntlm{Addr: FreeAddr(t), Dir: TempDir(t)}
	conf := filepath.Join(c.Dir, "cntlm.conf")
	writeFile(t, conf, fmt.Sprintf("Username %s\nDomain %s\nPassword %s\nAuth NTLMv2\nProxy %s\nListen %s\n",
		user, domain, password, parent, c.Addr), 0o600)
	c.d, err = startDaemon(c.Dir, "cntlm", nil, bin, "-f", "-c", conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.d.kill()
		if t.Failed() {
			t.Logf("cntlm output:\n%s", tail(c.Log(), 40))
		}
	})
	if err := waitListening(c.Addr, c.d.done, func() string { return tail(c.Log(), 20) }, c.d.kill); err != nil {
		t.Fatalf("cntlm: %v", err)
	}
	return c
}

// Pid is cntlm's process id, for the benchmark's CPU accounting.
func (c *Cntlm) Pid() int { return c.d.cmd.Process.Pid }

// Log is what cntlm has printed so far.
func (c *Cntlm) Log() string { return readFile(filepath.Join(c.Dir, "cntlm.stderr")) }
