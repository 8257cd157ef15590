package e2e

import (
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestParentClosingIdlePooledConnections: corporate proxies close idle
// client connections after a while. A request that ferry sends on such a
// pooled connection meets EOF and must be retried on a fresh one, body
// included, without the application seeing an error.
func TestParentClosingIdlePooledConnections(t *testing.T) {
	for _, kind := range []parentKind{{"ntlm", startNTLMParent}, {"basic", startBasicParent}} {
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o, testenv.SquidOptions{ClientIdlePconnTimeout: time.Second})
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
			c := proxyClient(t, o, f)
			const idle = 2500 * time.Millisecond

			getEcho(t, c, o.URL+"/echo", nil)
			time.Sleep(idle)
			getEcho(t, c, o.URL+"/echo", nil)
			time.Sleep(idle)
			upload(t, c, o.URL, 1<<20, false)
			time.Sleep(idle)
			upload(t, c, o.URL, 1<<20, true)
			time.Sleep(idle)
			getEcho(t, c, o.TLSURL+"/echo", nil)
			checkLogClean(t, f, p)
		})
	}
}
