package e2e

import (
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestDeadFirstParentFailsOver lists a parent that refuses connections
// before a live one: requests must still succeed, through the live one.
func TestDeadFirstParentFailsOver(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{testenv.FreeAddr(t), p.Squid.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	for i := 0; i < 5; i++ {
		checkOriginHeaders(t, getEcho(t, c, o.URL+"/echo", nil))
	}
	getEcho(t, c, o.TLSURL+"/echo", nil)
	if n := squidRequests(p.Squid, "GET", 200); n != 5 {
		t.Errorf("the live parent served %d GETs, want 5", n)
	}
	checkLogClean(t, f, p)
}
