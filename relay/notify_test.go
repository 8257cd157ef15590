package relay

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// eventLog records Config.Notify's events.
type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Event(nil), l.events...)
}

// TestNotifyOncePerRest: a wrong password is reported once, however many
// requests meet the rest at once and after, and across a reload with the
// same password; a different wrong password is a new rest, reported again.
func TestNotifyOncePerRest(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	var log eventLog
	cfg := func(pw string) Config {
		return Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", pw), Notify: log.add}
	}
	s, proxy := startRelay(t, cfg("wrong"))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client(proxy).Get("http://origin.example/")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
	next := cfg("wrong")
	next.Listen = []string{s.Addrs()[0].String()}
	if err := s.Reload(next); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 502 {
		t.Fatalf("after the reload: status %d, want 502", resp.StatusCode)
	}
	got := log.all()
	if len(got) != 1 {
		t.Fatalf("%d events for one rest, want 1: %+v", len(got), got)
	}
	if e := got[0]; e.Kind != EventCredentialsRejected || e.Parent != p.Addr || e.User != "alice" || e.Until.IsZero() {
		t.Errorf("event %+v", e)
	}

	next = cfg("wrong again")
	next.Listen = []string{s.Addrs()[0].String()}
	if err := s.Reload(next); err != nil {
		t.Fatal(err)
	}
	get(t, client(proxy), "http://origin.example/")
	get(t, client(proxy), "http://origin.example/")
	if got := log.all(); len(got) != 2 {
		t.Errorf("%d events after a second wrong password, want 2 (a new rest): %+v", len(got), got)
	}
}

// TestNotifyKerberosNoTicketOnce: a parent that wants Negotiate, no ticket
// cache and no password: reported once, not per request nor per reload.
func TestNotifyKerberosNoTicketOnce(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows answers Negotiate with the logon session's SSPI without a password, not from a ticket cache that can run out")
	}
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
			_, _ = io.Copy(io.Discard, req.Body)
			_, _ = io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n")
			return false
		}
	})
	dir := testenv.TempDir(t)
	conf := filepath.Join(dir, "krb5.conf")
	if err := os.WriteFile(conf, []byte("[libdefaults]\ndefault_realm = CORP.EXAMPLE\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(auth.Config{Scheme: "negotiate", User: "alice", Realm: "CORP.EXAMPLE",
		Krb5Conf: conf, CCache: "FILE:" + filepath.Join(dir, "no-such-cache")})
	if err != nil {
		t.Fatal(err)
	}
	var log eventLog
	oneNoteAcrossReload(t, Config{Parents: []string{p.Addr}, Auth: a, Notify: log.add}, &log, EventKerberosNoTicket)
}

// oneNoteAcrossReload starts a relay with cfg (one parent, whose requests
// fail for want of the OS's credentials), sends three requests, reloads,
// sends one more, and wants one event of kind for the parent, with no
// rest's end. It returns the relay's address.
func oneNoteAcrossReload(t *testing.T, cfg Config, log *eventLog, kind EventKind) *url.URL {
	t.Helper()
	s, proxy := startRelay(t, cfg)
	for i := 0; i < 3; i++ {
		resp, body := get(t, client(proxy), "http://origin.example/")
		if resp.StatusCode != 502 || !strings.Contains(resp.Header.Get("Proxy-Status"), "verdict="+string(kind)) {
			t.Fatalf("request %d: %d %q %s", i, resp.StatusCode, resp.Header.Get("Proxy-Status"), body)
		}
	}
	cfg.Listen = []string{s.Addrs()[0].String()}
	if err := s.Reload(cfg); err != nil {
		t.Fatal(err)
	}
	get(t, client(proxy), "http://origin.example/")
	got := log.all()
	if len(got) != 1 {
		t.Fatalf("%d events, want 1: %+v", len(got), got)
	}
	if e := got[0]; e.Kind != kind || e.Parent != cfg.Parents[0] || !e.Until.IsZero() {
		t.Errorf("event %+v", e)
	}
	return proxy
}

// ssoScheme stands in for Windows single sign-on (auth/sspi_windows.go) on
// any OS: while fail is set, its first leg fails as SSPI does when Windows
// has no credentials for the logged-on user; otherwise it sends a token.
type ssoScheme struct{ fail *atomic.Bool }

func (s ssoScheme) Name() string                            { return auth.SchemeNegotiate }
func (s ssoScheme) PerConnection() bool                     { return true }
func (s ssoScheme) NewSession(string) (auth.Session, error) { return s, nil }
func (s ssoScheme) Step(auth.Target, *auth.Challenge) (auth.Step, error) {
	if s.fail.Load() {
		return auth.Step{}, fmt.Errorf("Negotiate as the logged-on Windows user: SSPI: 0x8009030e (SEC_E_NO_CREDENTIALS): %w", auth.ErrSSOUnavailable)
	}
	return auth.Step{Header: "Negotiate dG9rZW4=", Final: true}, nil
}

// TestNotifySSOUnavailableOncePerEpisode: a parent that wants Negotiate and
// Windows single sign-on that gets no credentials: reported once, not per
// request nor per reload, and again only after a request got through in
// between (a new episode), like a missing Kerberos ticket.
func TestNotifySSOUnavailableOncePerEpisode(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
			_, _ = io.Copy(io.Discard, req.Body)
			if strings.HasPrefix(req.Header.Get("Proxy-Authorization"), "Negotiate ") {
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello")
				return true
			}
			_, _ = io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Negotiate\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
			return true
		}
	})
	fail := new(atomic.Bool)
	fail.Store(true)
	a := auth.NewWithSchemes(auth.Config{}, ssoScheme{fail})
	var log eventLog
	proxy := oneNoteAcrossReload(t, Config{Parents: []string{p.Addr}, Auth: a, Notify: log.add}, &log, EventSSOUnavailable)

	fail.Store(false)
	if resp, body := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 200 {
		t.Fatalf("with single sign-on working: %d %s", resp.StatusCode, body)
	}
	fail.Store(true)
	get(t, client(proxy), "http://origin.example/")
	get(t, client(proxy), "http://origin.example/")
	if got := log.all(); len(got) != 2 || got[1].Kind != EventSSOUnavailable {
		t.Errorf("after a served request and a new failure: %d events, want 2 (a new episode): %+v", len(got), got)
	}
}
