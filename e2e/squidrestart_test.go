package e2e

import (
	"sync"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestSquidRestartUnderThePool: squid restarts (an update, a crash) while
// ferry holds a pool of NTLM connections to it, all of which the restart
// closes. The next requests (GETs, a small POST that can be sent again,
// uploads too large for that, a CONNECT) each get their answer, none twice
// and none lost: README "How it works", a body is sent again after a
// pooled connection the parent closed, and one too large to keep never
// goes on a connection that may be closing.
func TestSquidRestartUnderThePool(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startNTLMParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	var wg sync.WaitGroup
	for range 6 { // several pooled connections
		wg.Add(1)
		go func() { defer wg.Done(); getEcho(t, c, o.URL+"/echo", nil) }()
	}
	wg.Wait()

	port := p.Squid.Port
	p.Squid.Stop()
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNTLM, Port: port, SSLPorts: []int{o.TLSPort}})
	for i := range 3 {
		wg.Add(3)
		go func() { defer wg.Done(); upload(t, c, o.URL, 1<<20, i%2 == 0) }()
		go func() { defer wg.Done(); upload(t, c, o.URL, 8<<10, false) }()
		go func() { defer wg.Done(); getEcho(t, c, o.URL+"/echo", nil) }()
		wg.Wait()
	}
	getEcho(t, c, o.TLSURL+"/echo", nil)
	if n := squidRequests(sq, "POST", 200); n != 6 {
		t.Errorf("the restarted squid passed %d POSTs, want 6: none lost, none twice", n)
	}
	if t.Failed() {
		t.Logf("ferry's log:\n%s", f.Stderr())
	}
	if n := sq.FailedLogons(); n != 0 {
		t.Errorf("the restarted squid saw %d failed logons", n)
	}
}
