package bench

import (
	"fmt"
	"maps"
	"net"
	"os"
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
	parent *testenv.Squid // its own; counts the logons; nil when it asks for none
}

// setupDelays are the one-way delays of issue 16: loopback, a nearby
// proxy, and one 20 ms away (a VPN, another city).
var setupDelays = []time.Duration{0, 5 * time.Millisecond, 20 * time.Millisecond}

// startSetupPaths puts every parent behind a Delay and starts the relays
// that talk to them: ferry and Debian's cntlm each to a Samba-verified NTLM
// squid, an app straight to the open squid, and ferry to a Kerberos squid.
// Each authenticating path has a squid of its own, so that the logons
// counted on it are that path's only, even those a relay makes in the
// background while another path takes its turn (the other scenarios'
// relays keep connections to theirs). The forwarders are returned so that
// the scenario can set their delay.
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
	ntlmSquid := func() *testenv.Squid {
		return testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNTLM, NTLM: v, SSLPorts: sslPorts})
	}
	// FERRY_BENCH_SETUP_CONF: TOML appended to both of the scenario's
	// ferries' configurations (after their [auth] table, so it must open a
	// table of its own), to compare settings of one binary.
	conf := os.Getenv("FERRY_BENCH_SETUP_CONF")
	if conf != "" {
		t.Logf("tunnel setup: ferry configured with FERRY_BENCH_SETUP_CONF=%q", conf)
	}
	fSquid, cSquid := ntlmSquid(), ntlmSquid()
	f := startNTLMFerry(t, far(fSquid.Addr), user, v.Domain, pw, conf)
	cntlm := testenv.StartCntlm(t, far(cSquid.Addr), user, v.Domain, pw)
	paths := []setupPath{
		{"direct (open parent)", far(openSquid.Addr), nil},
		{"ferry (NTLM)", f.Addr, fSquid},
		{"cntlm (NTLM)", cntlm.Addr, cSquid},
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
%s`, kFar, kdc.Realm, conf), "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+ccache)
	paths = append(paths, setupPath{"ferry (Kerberos)", kf.Addr, kSquid})
	return paths, delays
}

// setupPlan is how much the tunnel-setup scenario measures.
type setupPlan struct {
	tunnels int           // timed per path, delay and mode
	rounds  int           // the paths take turns this many times
	burst   int           // CONNECTs opened at once in the bursts mode
	pause   time.Duration // quiet time after each burst
}

// newSetupPlan reads FERRY_BENCH_SETUP_TUNNELS (default 120, rounded up to
// whole bursts in every round) and FERRY_BENCH_SETUP_PAUSE_MS (default 250).
// 120 tunnels put 12 above the p90, enough that one slow moment of the
// shared machine does not decide it.
func newSetupPlan() setupPlan {
	p := setupPlan{rounds: 3, burst: 8, pause: time.Duration(envInt("FERRY_BENCH_SETUP_PAUSE_MS", 250)) * time.Millisecond}
	step := p.rounds * p.burst
	p.tunnels = (envInt("FERRY_BENCH_SETUP_TUNNELS", 120) + step - 1) / step * step
	return p
}

// tunnelSetup measures the time from an app's CONNECT (its dial included)
// to the 200, at each one-way delay, one CONNECT at a time (each as soon as
// the one before is closed) and in bursts of 8 at once followed by a pause,
// as a build tool or a page load opens connections. The paths take turns in
// rounds so that a busy moment of the shared machine does not land on one of
// them only.
//
// At each new delay every forwarded connection is closed first (Delay.Reset),
// so that no parent connection dialed at the old delay is used at the new
// one. Before each delay and mode, one batch per path (a tunnel, or a burst)
// is opened and not counted: it absorbs the first dial after the reset,
// ferry's Kerberos ticket, and gives a relay that keeps connections ready
// the time to make them. Logons are counted on each path's own squid from
// after that warm-up until its helper log is quiet after the last tunnel,
// so that logons a relay makes in the background to replace what the
// measurement used are counted too, those it made beforehand are not.
func (r *report) tunnelSetup(t *testing.T, paths []setupPath, delays []*Delay, hostport string, plan setupPlan) {
	header := []string{"one-way delay", "mode", "path", "median", "p90", "median vs direct", "p90 vs direct", "tunnels", "errors", "logons", "logons per tunnel"}
	title := fmt.Sprintf("Tunnel setup: app's CONNECT to 200, parent at a one-way delay (%d tunnels per row)", plan.tunnels)
	r.setupMedians = map[string]time.Duration{}
	r.setupLogons = map[string]float64{}
	started := time.Now()
	for _, d := range setupDelays {
		for _, dl := range delays {
			dl.SetDelay(d)
			dl.Reset()
		}
		for _, mode := range []string{"sequential", fmt.Sprintf("bursts of %d", plan.burst)} {
			width := 1
			if mode != "sequential" {
				width = plan.burst
			}
			got := r.measureSetup(t, paths, hostport, plan, width, d)
			var directP90 time.Duration
			for _, p := range paths {
				a := got[p.name]
				if a.firstErr != nil {
					t.Logf("tunnel setup via %s at %s one-way (%s): %d errors, e.g. %v", p.name, d, mode, a.errs, a.firstErr)
				}
				med, p90 := percentile(a.times, 50), percentile(a.times, 90)
				key := fmt.Sprintf("%s/%s/%s", p.name, mode, d)
				if p.parent == nil {
					directP90 = p90
				}
				r.setupMedians[key] = med
				logons, perTunnel := "-", "-"
				if p.parent != nil && len(a.times) > 0 {
					per := float64(a.logons) / float64(len(a.times))
					r.setupLogons[key] = per
					logons, perTunnel = fmt.Sprint(a.logons), fmt.Sprintf("%.2f", per)
				}
				r.add(title, header, []string{
					fmt.Sprintf("%d ms", d.Milliseconds()), mode, p.name, fmtMs(med), fmtMs(p90),
					ratio(float64(med), float64(r.setupMedians[fmt.Sprintf("%s/%s/%s", paths[0].name, mode, d)])),
					ratio(float64(p90), float64(directP90)),
					fmt.Sprint(len(a.times)), fmt.Sprint(a.errs), logons, perTunnel,
				})
			}
		}
	}
	t.Logf("tunnel setup: %d tunnels per path, delay and mode, %d rounds, %s pause after each burst, in %s",
		plan.tunnels, plan.rounds, plan.pause, time.Since(started).Round(time.Second))
}

// setupTimes is what one path measured at one delay and mode.
type setupTimes struct {
	times    []time.Duration
	errs     int
	firstErr error
	logons   int // new NTLM or Negotiate handshakes at the path's squid
}

// measureSetup opens plan.tunnels tunnels per path in batches of width, the
// paths taking turns in plan.rounds rounds, after a warm-up batch each.
func (r *report) measureSetup(t *testing.T, paths []setupPath, hostport string, plan setupPlan, width int, d time.Duration) map[string]*setupTimes {
	got := map[string]*setupTimes{}
	for _, p := range paths {
		got[p.name] = &setupTimes{}
		if _, errs, err := connectBatch(p.addr, hostport, width); errs > 0 {
			t.Logf("tunnel setup via %s at %s one-way: warm-up: %d errors, e.g. %v", p.name, d, errs, err)
		}
	}
	quiet := time.Second + 10*d
	hs0 := quietHandshakes(paths, quiet)
	perRound := plan.tunnels / plan.rounds
	for range plan.rounds {
		for _, p := range paths {
			a := got[p.name]
			for i := 0; i < perRound; i += width {
				times, errs, err := connectBatch(p.addr, hostport, width)
				a.times = append(a.times, times...)
				a.errs += errs
				if err != nil && a.firstErr == nil {
					a.firstErr = err
				}
				if width > 1 {
					time.Sleep(plan.pause)
				}
			}
		}
	}
	for name, n := range quietHandshakes(paths, quiet) {
		got[name].logons = n - hs0[name]
	}
	return got
}

// quietHandshakes returns each authenticating path's logon count
// (Squid.Logons: the type 1 legs of NTLM spare connections are none) once
// none has changed for quiet (at most 10 s): a relay replacing the
// connections a measurement used has then finished logging them on.
func quietHandshakes(paths []setupPath, quiet time.Duration) map[string]int {
	read := func() map[string]int {
		n := map[string]int{}
		for _, p := range paths {
			if p.parent != nil {
				n[p.name] = p.parent.Logons()
			}
		}
		return n
	}
	n := read()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(quiet)
		m := read()
		if maps.Equal(m, n) {
			break
		}
		n = m
	}
	return n
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

// percentile is the p-th percentile of ds by nearest rank: the smallest
// value that at least p % of ds do not exceed (of 120, the 108th for the
// p90, the 60th for the median); 0 if ds is empty.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (len(s)*p + 99) / 100 // ceil(n*p/100)
	return s[max(rank, 1)-1]
}

func fmtMs(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
