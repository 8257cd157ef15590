package relay

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
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
	cfg := Config{Parents: []string{p.Addr}, Auth: a, Notify: log.add}
	s, proxy := startRelay(t, cfg)
	for i := 0; i < 3; i++ {
		if resp, body := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 502 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, body)
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
	if e := got[0]; e.Kind != EventKerberosNoTicket || e.Parent != p.Addr || !e.Until.IsZero() {
		t.Errorf("event %+v", e)
	}
}
