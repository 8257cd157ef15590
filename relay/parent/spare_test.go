package parent

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/failure"
)

// spareUpstream is an Upstream for addr with spares on (4, the default),
// retired at cleanup.
func spareUpstream(t *testing.T, addr string, a *auth.Authenticator) *Upstream {
	t.Helper()
	u := New(Config{Addr: addr, Auth: a, Guard: auth.NewGuard(time.Minute, nil), ResponseHeaderTimeout: 5 * time.Second, MaxIdle: 4})
	t.Cleanup(u.Retire)
	return u
}

// openTunnelParent answers every CONNECT with 200 and then holds the
// tunnel until ferry closes it. With idle > 0 it closes a connection on
// which no request came for that long, as a parent closing the spare
// connections it holds.
func openTunnelParent(t *testing.T, idle time.Duration) string {
	return testenv.ServeTCP(t, func(c net.Conn) {
		if idle > 0 {
			_ = c.SetReadDeadline(time.Now().Add(idle))
		}
		br := bufio.NewReader(c)
		if _, err := http.ReadRequest(br); err != nil {
			return
		}
		_ = c.SetReadDeadline(time.Time{})
		_, _ = io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
		_, _ = io.Copy(io.Discard, br)
	})
}

// openSpareTunnel opens a CONNECT through u and closes it at once.
func openSpareTunnel(t *testing.T, u *Upstream) {
	t.Helper()
	resp, c, err := u.Do(context.Background(), NewConnect("site.example:443", "", nil, ""))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT: %s", resp.Status)
	}
	c.Close()
}

// waitSpares waits until u has n spares ready.
func waitSpares(t *testing.T, u *Upstream, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); u.Stats().Spares != n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d spares ready after 5 s, want %d", u.Stats().Spares, n)
		}
	}
}

func TestSpareTakesTheNextTunnel(t *testing.T) {
	u := spareUpstream(t, openTunnelParent(t, 0), nil)
	openSpareTunnel(t, u) // the parent answers: from now on it gets spares
	openSpareTunnel(t, u)
	waitSpares(t, u, 2) // two new connections wanted within spareWindow
	dials := u.Stats().Dials
	openSpareTunnel(t, u)
	st := u.Stats()
	if st.SparesUsed != 1 {
		t.Errorf("spares used = %d, want 1", st.SparesUsed)
	}
	// The tunnel dialed nothing itself: the new dials are spares, one to
	// replace the one it took and one more for the third new connection
	// within spareWindow.
	waitSpares(t, u, 3)
	if got := u.Stats().Dials - dials; got != 2 {
		t.Errorf("%d dials for a tunnel on a spare, want 2 (spares)", got)
	}
}

func TestSpareTheParentClosedIsNeverUsed(t *testing.T) {
	u := spareUpstream(t, openTunnelParent(t, 50*time.Millisecond), nil)
	openSpareTunnel(t, u)
	openSpareTunnel(t, u)
	waitSpares(t, u, 2)
	time.Sleep(300 * time.Millisecond) // the parent closes both
	openSpareTunnel(t, u)
	if st := u.Stats(); st.SparesUsed != 0 {
		t.Errorf("spares used = %d, want 0: the parent had closed them", st.SparesUsed)
	}
}

func TestSpareTarget(t *testing.T) {
	now := time.Now()
	a, err := auth.New(auth.Config{Scheme: "basic", User: "alice", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	fresh := func(t *testing.T) *Upstream {
		u := spareUpstream(t, "127.0.0.1:9", a)
		u.markUp(true)
		return u
	}
	t.Run("follows recent demand", func(t *testing.T) {
		u := fresh(t)
		if got := u.spareTarget(now); got != 0 {
			t.Errorf("no demand yet: %d spares, want 0", got)
		}
		u.noteDemand(now.Add(-time.Minute))
		if got := u.spareTarget(now); got != 1 {
			t.Errorf("one new connection a minute ago: %d spares, want 1", got)
		}
		for range 6 {
			u.noteDemand(now)
		}
		if got := u.spareTarget(now); got != 4 {
			t.Errorf("6 new connections just now: %d spares, want 4 (the limit)", got)
		}
	})
	t.Run("none after idle minutes", func(t *testing.T) {
		u := fresh(t)
		u.noteDemand(now.Add(-spareIdleStop - time.Second))
		if got := u.spareTarget(now); got != 0 {
			t.Errorf("idle for %s: %d spares, want 0", spareIdleStop, got)
		}
	})
	t.Run("none for a parent never heard from", func(t *testing.T) {
		u := spareUpstream(t, "127.0.0.1:9", a)
		u.noteDemand(now)
		if got := u.spareTarget(now); got != 0 {
			t.Errorf("%d spares, want 0", got)
		}
	})
	t.Run("none for a parent that is down", func(t *testing.T) {
		u := fresh(t)
		u.noteDemand(now)
		u.markDown(&failure.Error{Cause: failure.ParentRefused, Peer: u.addr, What: "refused"})
		if got := u.spareTarget(now); got != 0 {
			t.Errorf("%d spares, want 0", got)
		}
	})
	t.Run("none while the credentials rest", func(t *testing.T) {
		u := fresh(t)
		u.noteDemand(now)
		u.cfg.Guard.Fail(u.addr, a, "test")
		if got := u.spareTarget(now); got != 0 {
			t.Errorf("%d spares, want 0", got)
		}
	})
	t.Run("none when turned off", func(t *testing.T) {
		u := fresh(t)
		u.cfg.Spares = spareLimit(-1)
		u.noteDemand(now)
		if got := u.spareTarget(now); got != 0 {
			t.Errorf("%d spares, want 0", got)
		}
	})
}

func TestSparesStopAfterIdle(t *testing.T) {
	u := spareUpstream(t, openTunnelParent(t, 0), nil)
	openSpareTunnel(t, u)
	openSpareTunnel(t, u)
	waitSpares(t, u, 2)
	// The demand is minutes old now: the janitor's sweep closes them.
	u.spare.mu.Lock()
	for i := range u.spare.demand {
		u.spare.demand[i] = u.spare.demand[i].Add(-spareIdleStop - time.Second)
	}
	u.spare.mu.Unlock()
	u.CloseIdle(time.Minute)
	if n := u.Stats().Spares; n != 0 {
		t.Errorf("%d spares after idle minutes, want 0", n)
	}
}

// An NTLM spare takes its challenge only after the logons under way: each
// outstanding challenge pins one of squid's helpers, which those logons
// need.
func TestSpareChallengeWaitsForLogonsUnderWay(t *testing.T) {
	u := spareUpstream(t, "127.0.0.1:9", nil)
	u.spare.logons.Add(1)
	done := make(chan struct{})
	go func() {
		u.awaitLogons(context.Background(), time.Minute)
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("the spare went on while a logon was under way")
	case <-time.After(100 * time.Millisecond):
	}
	u.spare.logons.Add(-1)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the spare still waits 5 s after the logon ended")
	}
}

// A parent that took a spare (and, for NTLM, answered its type 1 leg) and
// then never answers the request on it is found silent after
// timeouts.connect, as on any fresh connection, not after
// timeouts.response_header: the spare is the request's first exchange with
// that parent connection.
func TestSpareFirstRequestIsWatched(t *testing.T) {
	ntlm, err := auth.New(auth.Config{Scheme: "ntlm", User: "alice", Domain: "CORP", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a    *auth.Authenticator
	}{
		{"dialed spare, open parent", nil},
		{"NTLM spare past its type 1 leg", ntlm},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stall atomic.Bool
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.Open = tc.a == nil
				p.NTLM = true
				p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
					if !stall.Load() || strings.HasPrefix(req.Header.Get("Proxy-Authorization"), "NTLM TlRMTVNTUAAB") {
						return false // type 1 legs are still answered
					}
					_, _ = io.Copy(io.Discard, br)
					return true
				}
			})
			u := New(Config{Addr: p.Addr, Auth: tc.a, Guard: auth.NewGuard(time.Minute, nil), MaxIdle: 4,
				ConnectTimeout: 500 * time.Millisecond, ResponseHeaderTimeout: 20 * time.Second})
			t.Cleanup(u.Retire)
			openSpareTunnel(t, u)
			openSpareTunnel(t, u)
			waitSpares(t, u, 2)
			u.spare.mu.Lock()
			pending := u.spare.ready[len(u.spare.ready)-1].pending != nil
			u.spare.mu.Unlock()
			if pending != (tc.a != nil) {
				t.Fatalf("the spare holds a challenge: %v, want %v", pending, tc.a != nil)
			}
			stall.Store(true)
			used := u.Stats().SparesUsed
			_, _, err := u.Do(context.Background(), NewConnect("site.example:443", "", nil, ""))
			if u.Stats().SparesUsed != used+1 {
				t.Fatal("the CONNECT did not go out on a spare")
			}
			var e *failure.Error
			if !errors.As(err, &e) || e.Cause != failure.ParentTimeout || !strings.Contains(e.What, "timeouts.connect") {
				t.Fatalf("err = %v; want the parent found silent after timeouts.connect", err)
			}
			if u.Stats().Up {
				t.Error("the silent parent is not down")
			}
		})
	}
}

// forgetfulNTLMParent is an NTLM FakeParent that forgets, at forget(), the
// challenges it has handed out, as squid does when it restarts its
// helpers: a type 3 for one gets a 407 with a bare "NTLM" and the
// connection closed. With deny() it refuses every other type 3 (a 407, the
// connection kept: a wrong password), counting them in refused. Its 407s
// carry squid's X-Squid-Error header, unless notSquid, which also closes
// the connection on a refusal.
type forgetfulNTLMParent struct {
	*testenv.FakeParent
	notSquid        bool
	issued          sync.Map // net.Conn: time its challenge was sent
	forgetAt        atomic.Int64
	denying         atomic.Bool
	refused, forgot atomic.Int64
}

func startForgetfulNTLMParent(t *testing.T, notSquid bool) *forgetfulNTLMParent {
	f := &forgetfulNTLMParent{notSquid: notSquid}
	squid := "X-Squid-Error: ERR_CACHE_ACCESS_DENIED 0\r\n"
	refusal := "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\n"
	if notSquid {
		squid = ""
		refusal += "Connection: close\r\n"
	}
	f.FakeParent = testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.NTLM = true
		p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
			h := req.Header.Get("Proxy-Authorization")
			if strings.HasPrefix(h, "NTLM TlRMTVNTUAAB") { // type 1
				f.issued.Store(c, time.Now().UnixNano())
				return false
			}
			if !strings.HasPrefix(h, "NTLM TlRMTVNTUAAD") { // not a type 3
				return false
			}
			at, _ := f.issued.Load(c)
			if at, ok := at.(int64); ok && at < f.forgetAt.Load() {
				f.forgot.Add(1)
				_, _ = io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\n"+squid+"Connection: close\r\nContent-Length: 0\r\n\r\n")
				return true
			}
			if f.denying.Load() {
				f.refused.Add(1)
				_, _ = io.WriteString(c, refusal+squid+"Content-Length: 0\r\n\r\n")
				if f.notSquid {
					return true
				}
				_, _ = io.Copy(io.Discard, br)
				return true
			}
			return false
		}
	})
	return f
}

func (f *forgetfulNTLMParent) forget() { f.forgetAt.Store(time.Now().UnixNano()) }

// Four apps at once take NTLM spares whose challenges the parent forgot:
// each logs on again, nothing rests. With a password the parent refuses,
// the four cost one failed logon: the logons after a forgotten challenge
// take turns, and the first refusal rests the credentials for the others.
// A parent that is not squid and closes the connection on a real refusal
// is not taken for one that forgot: one app, one failed logon, not a
// second one to log on again.
func TestSpareForgottenChallenges(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		forget, deny, notSquid bool
		apps                   int
	}{
		{name: "right password", forget: true, apps: 4},
		{name: "refused password", forget: true, deny: true, apps: 4},
		{name: "not squid, refused password, closed", deny: true, notSquid: true, apps: 1},
	} {
		deny := tc.deny
		t.Run(tc.name, func(t *testing.T) {
			a, err := auth.New(auth.Config{Scheme: "ntlm", User: "alice", Domain: "CORP", Password: "secret"})
			if err != nil {
				t.Fatal(err)
			}
			p := startForgetfulNTLMParent(t, tc.notSquid)
			u := spareUpstream(t, p.Addr, a)
			for range 4 {
				openSpareTunnel(t, u)
			}
			waitSpares(t, u, 4)
			u.spare.mu.Lock()
			for _, c := range u.spare.ready {
				if c.pending == nil {
					t.Fatal("a spare holds no NTLM challenge")
				}
			}
			u.spare.mu.Unlock()
			if tc.forget {
				p.forget()
			}
			p.denying.Store(deny)
			var wg sync.WaitGroup
			errs := make(chan error, tc.apps)
			for range tc.apps {
				wg.Go(func() {
					resp, c, err := u.Do(context.Background(), NewConnect("site.example:443", "", nil, ""))
					if err == nil {
						c.Close()
						if resp.StatusCode != http.StatusOK {
							err = errors.New(resp.Status)
						}
					}
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			if p.forgot.Load() == 0 && tc.forget {
				t.Fatal("no request met a forgotten challenge")
			}
			for err := range errs {
				var e *failure.Error
				switch {
				case !deny && err != nil:
					t.Errorf("CONNECT after the parent forgot the spares' challenges: %v", err)
				case deny && (!errors.As(err, &e) || e.Cause != failure.CredentialsRejected && e.Cause != failure.LockedOut):
					t.Errorf("CONNECT with a refused password: %v, want credentials_rejected or locked_out", err)
				}
			}
			if got := u.resting() != nil; got != deny {
				t.Errorf("credentials resting: %v, want %v", got, deny)
			}
			want := map[bool]int64{false: 0, true: 1}[deny]
			if got := p.refused.Load(); got != want {
				t.Errorf("%d refused logons, want %d", got, want)
			}
			t.Logf("%d forgotten challenges met, %d spares dropped or retried", p.forgot.Load(), u.spare.lost.Load())
		})
	}
}
