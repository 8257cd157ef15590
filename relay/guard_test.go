package relay

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestRestHoldsAcrossReloadAndRestart: a reload or a new Server with the
// same wrong password keeps the rest (no further logon, no connection to
// the parent); a changed password is tried at once.
func TestRestHoldsAcrossReloadAndRestart(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	state := filepath.Join(testenv.TempDir(t), "ferry", "lockout.json")
	cfg := func(pw string) Config {
		return Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", pw), LockoutState: state}
	}
	s, proxy := startRelay(t, cfg("wrong"))
	if resp, _ := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 502 {
		t.Fatalf("wrong password: status %d", resp.StatusCode)
	}
	conns := p.Conns()
	next := cfg("wrong")
	next.Listen = []string{s.Addrs()[0].String()}
	if err := s.Reload(next); err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, client(proxy), "http://origin.example/")
	if resp.StatusCode != 502 || !strings.Contains(resp.Header.Get("Proxy-Status"), "locked_out") {
		t.Errorf("after a reload with the same password: %d %q", resp.StatusCode, resp.Header.Get("Proxy-Status"))
	}
	if strings.Contains(body, "before -") {
		t.Errorf("the page does not say when the rest ends:\n%s", body)
	}

	// A second Server reading the same state file: a restart.
	s2, proxy2 := startRelay(t, cfg("wrong"))
	if n := len(s2.Guard().Snapshot()); n != 1 {
		t.Errorf("a restart shows %d resting credentials before any request, want 1", n)
	}
	if resp, _ := get(t, client(proxy2), "http://origin.example/"); resp.StatusCode != 502 ||
		!strings.Contains(resp.Header.Get("Proxy-Status"), "locked_out") {
		t.Errorf("after a restart with the same password: %d %q", resp.StatusCode, resp.Header.Get("Proxy-Status"))
	}
	if n := p.FailedLogons(); n != 1 {
		t.Errorf("the parent saw %d failed logons, want 1", n)
	}
	if n := p.Conns() - conns; n != 0 {
		t.Errorf("ferry connected to the parent %d times while the credentials rested, want 0", n)
	}

	next = cfg("secret")
	next.Listen = []string{s.Addrs()[0].String()}
	if err := s.Reload(next); err != nil {
		t.Fatal(err)
	}
	if resp, body := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 200 {
		t.Errorf("after fixing the password: %d %q", resp.StatusCode, body)
	}
}

// TestRestRecordedByDoctorHoldsInRunningRelay: `ferry doctor` (another
// process, here a second Guard on the same state file) meets a rejection
// of the credentials the running relay uses; the relay's next request
// makes no logon, where it would be the second failed one of the
// cool-down.
func TestRestRecordedByDoctorHoldsInRunningRelay(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	state := filepath.Join(testenv.TempDir(t), "ferry", "lockout.json")
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "wrong"), LockoutState: state})
	// The relay has read the state file and written it once (a first
	// rejection at another parent would do the same).
	s.Guard().NoteOffered("other:8080", []auth.Challenge{{Scheme: auth.SchemeNTLM}})

	doctor, err := auth.OpenGuard(state, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer doctor.Close()
	doctor.Fail(p.Addr, basicAuth(t, "alice", "wrong"), "basic: rejected")
	if err := doctor.SaveError(); err != nil {
		t.Fatal(err)
	}
	resp, _ := get(t, client(proxy), "http://origin.example/")
	if resp.StatusCode != 502 || !strings.Contains(resp.Header.Get("Proxy-Status"), "locked_out") {
		t.Errorf("after doctor's rejection: %d %q, want 502 locked_out", resp.StatusCode, resp.Header.Get("Proxy-Status"))
	}
	if n := p.Conns(); n != 0 {
		t.Errorf("the relay connected to the parent %d times (%d failed logons) after doctor recorded a rejection, want 0", n, p.FailedLogons())
	}
}

// TestReloadMidLogonCostsOneFailedLogon: a reload while the first logon
// with a wrong password is under way (the parent takes its time to refuse)
// must not let a request on the new configuration try the same password
// too: README "Lockout guard", at most one failed logon per parent per
// cool-down, across reloads.
func TestReloadMidLogonCostsOneFailedLogon(t *testing.T) {
	checkLeaks(t)
	seen := make(chan struct{}, 10)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.OnHead = func(_ net.Conn, _ *bufio.Reader, req *http.Request) bool {
			if req.Header.Get("Proxy-Authorization") != "" {
				seen <- struct{}{}
				time.Sleep(500 * time.Millisecond) // checking the password
			}
			return false
		}
	})
	state := filepath.Join(testenv.TempDir(t), "ferry", "lockout.json")
	cfg := Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "wrong"), LockoutState: state, SpareConnections: -1}
	s, proxy := startRelay(t, cfg)
	first := make(chan int, 1)
	go func() {
		c := closingClient(t, proxy)
		resp, err := c.Get("http://origin.example/first")
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	select {
	case <-seen:
	case <-time.After(5 * time.Second):
		t.Fatal("the first logon never reached the parent")
	}
	next := cfg
	next.Listen = []string{s.Addrs()[0].String()}
	if err := s.Reload(next); err != nil {
		t.Fatal(err)
	}
	resp, _ := get(t, closingClient(t, proxy), "http://origin.example/second")
	if st := <-first; st != 502 || resp.StatusCode != 502 {
		t.Fatalf("statuses %d and %d, want 502 for both", st, resp.StatusCode)
	}
	if n := p.FailedLogons(); n != 1 {
		t.Fatalf("the parent saw %d failed logons across a reload in the middle of the first, want 1", n)
	}
}

// TestLogonTurnOutlastsParentIdleClose: while a slow first logon holds the
// turn (README "Lockout guard": logons take turns until one succeeds), the
// other apps' requests wait on connections the parent answered with its
// 407, and a parent that closes idle connections (Apache's
// KeepAliveTimeout) closes them meanwhile. With the right password every
// request must still get its answer: with Basic, and with NTLM, whose
// waiters hold their type 1 leg (3 of 3 got 502 before), each type 3 on
// the connection its type 2 came on.
func TestLogonTurnOutlastsParentIdleClose(t *testing.T) {
	for _, scheme := range []string{"basic", "ntlm"} {
		t.Run(scheme, func(t *testing.T) {
			checkLeaks(t)
			p, proxy := startSlowLogonParent(t, scheme, "secret", false)
			first, waited := p.logonAndWaiters(t, proxy)
			for _, a := range waited {
				if a.status != 200 {
					t.Errorf("a request that waited for the logon turn: %d %q", a.status, a.body)
				}
			}
			if first != 200 {
				t.Errorf("the first logon: %d", first)
			}
			if n := p.FailedLogons(); n != 0 {
				t.Errorf("the parent saw %d failed logons with the right password", n)
			}
		})
	}
}

// TestLogonTurnAfterIdleCloseRefusedCostsOne: the same with a password the
// parent refuses: the requests that waited, on connections the parent
// closed meanwhile, learn of the refusal from the guard and make no logon
// of their own (README "Lockout guard": one failed logon per cool-down).
func TestLogonTurnAfterIdleCloseRefusedCostsOne(t *testing.T) {
	for _, scheme := range []string{"basic", "ntlm"} {
		t.Run(scheme, func(t *testing.T) {
			checkLeaks(t)
			p, proxy := startSlowLogonParent(t, scheme, "wrong", scheme == "ntlm")
			first, waited := p.logonAndWaiters(t, proxy)
			for _, a := range waited {
				if a.status != 502 || !strings.Contains(a.proxyStatus, "locked_out") {
					t.Errorf("a request that waited for a refused logon's turn: %d %q, want 502 locked_out", a.status, a.proxyStatus)
				}
			}
			if first != 502 {
				t.Errorf("the refused logon: %d", first)
			}
			if n := p.FailedLogons(); n != 1 {
				t.Errorf("the parent saw %d failed logons, want 1", n)
			}
		})
	}
}

// slowLogonParent is a FakeParent that closes connections idle for 200 ms
// and takes a second over the credentials of the first logon (path /slow),
// as a directory slow to check them; with NTLM it takes the first leg at
// once and checks that each type 3 comes on the connection of its type 1.
type slowLogonParent struct {
	*testenv.FakeParent
	checking chan struct{}
}

func startSlowLogonParent(t *testing.T, scheme, password string, deny bool) (*slowLogonParent, *url.URL) {
	t.Helper()
	sp := &slowLogonParent{checking: make(chan struct{}, 1)}
	var typeOne sync.Map // net.Conn: a type 1 came on it
	sp.FakeParent = testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.IdleClose = 200 * time.Millisecond
		p.NTLM = scheme == "ntlm"
		p.AlwaysDeny = deny
		p.OnHead = func(c net.Conn, _ *bufio.Reader, req *http.Request) bool {
			h := req.Header.Get("Proxy-Authorization")
			switch {
			case strings.HasPrefix(h, "NTLM TlRMTVNTUAAB"): // type 1
				typeOne.Store(c, true)
				return false
			case strings.HasPrefix(h, "NTLM TlRMTVNTUAAD"): // type 3
				if _, ok := typeOne.Load(c); !ok {
					t.Errorf("an NTLM type 3 came on a connection that carried no type 1")
				}
			}
			if h != "" && req.URL.Path == "/slow" {
				sp.checking <- struct{}{}
				time.Sleep(time.Second)
			}
			return false
		}
	})
	a, err := auth.New(auth.Config{Scheme: scheme, User: "alice", Domain: "CORP", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	_, proxy := startRelay(t, Config{Parents: []string{sp.Addr}, Auth: a, SpareConnections: -1})
	return sp, proxy
}

// waitedAnswer is what an app got for a request that waited its turn.
type waitedAnswer struct {
	status            int
	proxyStatus, body string
}

// logonAndWaiters sends the first (slow) logon through proxy and, while
// the parent checks it, three more requests, which wait for its turn; it
// returns the first one's status and what the others got.
func (p *slowLogonParent) logonAndWaiters(t *testing.T, proxy *url.URL) (int, []waitedAnswer) {
	t.Helper()
	first := make(chan int, 1)
	go func() {
		resp, _ := get(t, closingClient(t, proxy), "http://origin.example/slow")
		first <- resp.StatusCode
	}()
	select {
	case <-p.checking:
	case <-time.After(5 * time.Second):
		t.Fatal("the first logon never reached the parent")
	}
	waited := make([]waitedAnswer, 3)
	var wg sync.WaitGroup
	for i := range waited {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body := get(t, closingClient(t, proxy), "http://origin.example/x")
			waited[i] = waitedAnswer{resp.StatusCode, resp.Header.Get("Proxy-Status"), body}
		}()
	}
	wg.Wait()
	return <-first, waited
}
