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

// TestDigestNonceRenewalKeepsLargeUploads: squid renews a Digest nonce after
// nonce_max_count uses (50 by default) with a 407 stale=true that arrives
// after the request head. A body over ferry's replay buffer that met it was
// lost (502 body_not_replayable, about one large upload in 50); ferry now
// sends such bodies with Expect: 100-continue, so the 407 comes before any
// body byte. Every upload must reach the origin intact.
func TestDigestNonceRenewalKeepsLargeUploads(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startDigestParent(t, o, testenv.SquidOptions{DigestNonceMaxCount: 50})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	for range 120 {
		upload(t, c, o.URL, 1<<20, false)
	}
	if stale := p.Squid.DeniedWithCredentials(); stale < 2 {
		t.Errorf("squid declared %d nonces stale in 120 uploads, want at least 2: the test did not exercise the renewal", stale)
	}
	checkLogClean(t, f, p)
}
