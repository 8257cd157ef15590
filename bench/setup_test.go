package bench

import (
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// setupPath is one way an app opens a tunnel in the tunnel-setup scenario.
type setupPath struct {
	name   string
	addr   string         // where the app sends its CONNECT
	parent *testenv.Squid // counts the logons; nil when the parent asks for none
}

// setupDelays are the one-way delays of issue 16: loopback, a nearby
// proxy, and one 20 ms away (a VPN, another city).
var setupDelays = []time.Duration{0, 5 * time.Millisecond, 20 * time.Millisecond}

// startSetupPaths puts every parent behind a Delay and starts the relays
// that talk to them: ferry and Debian's cntlm to a Samba-verified NTLM
// squid, an app straight to the open squid, and ferry to a Kerberos squid.
// The forwarders are returned so that the scenario can set their delay.
func startSetupPaths(t *testing.T, openSquid *testenv.Squid, v *testenv.NTLMVerifier, user, pw string, sslPorts []int) ([]setupPath, []*Delay) {
	t.Helper()
	var delays []*Delay
	far := func(addr string) string {
		d, err := NewDelay(addr, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Close() })
		delays = append(delays, d)
		return d.Addr
	}
	// An NTLM squid of its own, verifying through the same Samba, so that
	// the logons counted are those of this scenario's relays only (the
	// other scenarios' ferry and cntlm keep connections to theirs).
	ntlmSquid := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNTLM, NTLM: v, SSLPorts: sslPorts})
	ntlmFar, openFar := far(ntlmSquid.Addr), far(openSquid.Addr)
	f := startNTLMFerry(t, ntlmFar, user, v.Domain, pw, "")
	cntlm := testenv.StartCntlm(t, ntlmFar, user, v.Domain, pw)
	paths := []setupPath{
		{"direct (open parent)", openFar, nil},
		{"ferry (NTLM)", f.Addr, ntlmSquid},
		{"cntlm (NTLM)", cntlm.Addr, ntlmSquid},
	}

	// Kerberos: a KDC, a ticket cache as after a user's logon, and squid
	// with negotiate_kerberos_auth. The keytab holds HTTP/127.0.0.1, which
	// the forwarder's address matches (the port is not part of the SPN).
	const kpw = "Bench-kerb 2!"
	kdc := testenv.StartKDC(t)
	kdc.AddUser(t, "benchkerb", kpw)
	ccache := filepath.Join(testenv.TempDir(t), "krb5cc_bench")
	kdc.Kinit(t, "benchkerb", kpw, ccache)
	kSquid := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc, SSLPorts: sslPorts})
	kFar := far(kSquid.Addr)
	kf := testenv.StartFerry(t, fmt.Sprintf(`listen = ["127.0.0.1:0"]
parents = [%q]
[auth]
scheme = "negotiate"
user = "benchkerb"
realm = %q
`, kFar, kdc.Realm), "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+ccache)
	paths = append(paths, setupPath{"ferry (Kerberos)", kf.Addr, kSquid})
	return paths, delays
}

// tunnelSetup measures the time from an app's CONNECT (its dial included)
// to the 200, at each one-way delay, one CONNECT at a time and in bursts of
// 8 at once, as a build tool opening connections does. The paths take
// turns in rounds so that a busy moment of the shared machine does not land
// on one of them only; logons are counted per path around its turn.
func (r *report) tunnelSetup(t *testing.T, paths []setupPath, delays []*Delay, hostport string, samples int) {
	const rounds, burst = 3, 8
	perRound := max(samples/rounds/burst, 1) * burst
	header := []string{"one-way delay", "mode", "path", "median", "p90", "median vs direct", "tunnels", "errors", "logons per tunnel"}
	r.setupMedians = map[string]time.Duration{}
	for _, d := range setupDelays {
		for _, dl := range delays {
			dl.SetDelay(d)
		}
		for _, mode := range []string{"sequential", "bursts of 8"} {
			width := 1
			if mode != "sequential" {
				width = burst
			}
			type acc struct {
				times          []time.Duration
				errs, logons   int
				firstErr       error
				measuredLogons bool
			}
			got := map[string]*acc{}
			for _, p := range paths {
				got[p.name] = &acc{}
				// One tunnel first, not counted: ferry's Kerberos ticket,
				// a pooled connection from the last delay.
				if c, err := openTunnel(p.addr, hostport); err == nil {
					c.Close()
				}
			}
			for range rounds {
				for _, p := range paths {
					a := got[p.name]
					hs0 := 0
					if p.parent != nil {
						hs0 = p.parent.Handshakes()
					}
					for i := 0; i < perRound; i += width {
						times, errs, err := connectBatch(p.addr, hostport, width)
						a.times = append(a.times, times...)
						a.errs += errs
						if err != nil && a.firstErr == nil {
							a.firstErr = err
						}
					}
					if p.parent != nil {
						a.logons += p.parent.Handshakes() - hs0
						a.measuredLogons = true
					}
				}
			}
			for _, p := range paths {
				a := got[p.name]
				if a.firstErr != nil {
					t.Logf("tunnel setup via %s at %s one-way (%s): %d errors, e.g. %v", p.name, d, mode, a.errs, a.firstErr)
				}
				med, p90 := percentile(a.times, 50), percentile(a.times, 90)
				key := fmt.Sprintf("%s/%s/%s", p.name, mode, d)
				r.setupMedians[key] = med
				logons := "-"
				if a.measuredLogons && len(a.times) > 0 {
					logons = fmt.Sprintf("%.2f", float64(a.logons)/float64(len(a.times)))
				}
				r.add("Tunnel setup: app's CONNECT to 200, parent at a one-way delay", header, []string{
					d.String(), mode, p.name, fmtMs(med), fmtMs(p90),
					ratio(float64(med), float64(r.setupMedians[fmt.Sprintf("%s/%s/%s", paths[0].name, mode, d)])),
					fmt.Sprint(len(a.times)), fmt.Sprint(a.errs), logons,
				})
			}
		}
	}
}

// connectBatch opens n tunnels at once, each timed from its dial to its
// 200, then closes them.
func connectBatch(proxy, hostport string, n int) (times []time.Duration, errs int, firstErr error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var conns []net.Conn
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t0 := time.Now()
			c, err := openTunnel(proxy, hostport)
			el := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs++
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			times = append(times, el)
			conns = append(conns, c)
		}()
	}
	close(start)
	wg.Wait()
	for _, c := range conns {
		c.Close()
	}
	return times, errs, firstErr
}

// percentile is the p-th percentile of ds (nearest rank below); 0 if empty.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)*p/100, len(s)-1)]
}

func fmtMs(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
