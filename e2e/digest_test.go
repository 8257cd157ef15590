package e2e

import (
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestDigestStaleNonceKeepsRequestBodies: squid allows a Digest nonce a
// limited number of uses and then answers 407 stale=true. ferry must take the
// new nonce and resend, bodies included, without counting a failed logon.
func TestDigestStaleNonceKeepsRequestBodies(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startDigestParent(t, o, testenv.SquidOptions{DigestNonceMaxCount: 3})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	for i := 0; i < 12; i++ {
		if i%2 == 0 {
			getEcho(t, c, o.URL+"/echo", nil)
		} else {
			upload(t, c, o.URL, 256<<10, i%4 == 1)
		}
	}
	if n := squidRequests(p.Squid, "POST", 200) + squidRequests(p.Squid, "GET", 200); n != 12 {
		t.Errorf("squid served %d requests, want 12:\n%s", n, strings.Join(p.Squid.AccessLogLines(), "\n"))
	}
	if stale := p.Squid.DeniedWithCredentials(); stale == 0 {
		t.Logf("squid never declared a nonce stale; the test did not exercise stale=true")
	} else {
		t.Logf("%d requests met a stale nonce", stale)
	}
	checkLogClean(t, f, p)
}
