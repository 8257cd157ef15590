package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestWrongPasswordNotifiesOncePerRest: a wrong password against a real
// squid puts exactly one note on a real session bus, however many requests
// meet the rest, across SIGHUP reloads and a restart; a new wrong password
// is a new rest and a new note. The note names the parent, the user and
// what to do, and never holds the password.
func TestWrongPasswordNotifiesOncePerRest(t *testing.T) {
	bus := testenv.StartSessionBus(t)
	srv := bus.ServeNotifications(t)
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	env := append(p.Env, "DBUS_SESSION_BUS_ADDRESS="+bus.Address, "LANG=C.UTF-8", "XDG_STATE_HOME="+testenv.TempDir(t))
	const wrong = "Wrong-pw 9!"
	a := p.Auth
	a.Password = wrong
	cfg := ferryConfig([]string{p.Squid.Addr}, a)
	f := testenv.StartFerry(t, cfg, env...)
	c := proxyClient(t, o, f)

	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := c.Get(o.URL + "/echo"); err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadGateway {
					t.Errorf("status %d, want 502", resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	srv.WaitNotes(t, 1, 10*time.Second)
	for i := 1; i <= 2; i++ {
		sighup(t, f.Pid())
		waitLogCount(t, f, "configuration reloaded", i)
		want502(t, c, o.URL+"/echo", "locked_out")
	}
	c.CloseIdleConnections()
	if err := f.Stop(); err != nil {
		t.Fatal(err)
	}
	f = testenv.StartFerry(t, cfg, env...)
	c = proxyClient(t, o, f)
	want502(t, c, o.URL+"/echo", "locked_out")
	// A note would arrive within milliseconds of the 502 it follows; give a
	// wrong second one the time to show.
	time.Sleep(500 * time.Millisecond)
	notes := srv.Notes()
	if len(notes) != 1 {
		t.Fatalf("%d notes for one rest across 7 requests, 2 reloads and a restart, want 1: %+v", len(notes), notes)
	}
	n := notes[0]
	if n.AppName != "ferry" || n.Summary != "ferry: the proxy rejected your password" {
		t.Errorf("note %q from %q", n.Summary, n.AppName)
	}
	for _, want := range []string{p.Squid.Addr, "alice", "ferry password", "http://127.0.0.1:"} {
		if !strings.Contains(n.Body, want) {
			t.Errorf("the note does not mention %q:\n%s", want, n.Body)
		}
	}
	if strings.Contains(n.Summary+n.Body, wrong) {
		t.Errorf("the note holds the password:\n%s", n.Body)
	}

	// Another wrong password: a new rest, a new note.
	a.Password = "Wrong-pw 10!"
	if err := os.WriteFile(f.Config, []byte(ferryConfig([]string{p.Squid.Addr}, a)), 0o600); err != nil {
		t.Fatal(err)
	}
	waitLog(t, f, "configuration reloaded")
	want502(t, c, o.URL+"/echo", "credentials_rejected")
	srv.WaitNotes(t, 2, 10*time.Second)
	if got := p.Squid.FailedLogons(); got != 2 {
		t.Errorf("the parent saw %d failed logons for two wrong passwords, want 2", got)
	}
	f.AssertLogHasNo(t, wrong, a.Password)
}

// TestRejectionWithoutDesktopIsLogged: with no session bus, or with
// notify = false, nothing reaches a bus; without a bus the note's text is
// in the log instead.
func TestRejectionWithoutDesktopIsLogged(t *testing.T) {
	bus := testenv.StartSessionBus(t)
	srv := bus.ServeNotifications(t)
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	a := p.Auth
	a.Password = "Wrong-pw 9!"

	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, a), append(p.Env, "DBUS_SESSION_BUS_ADDRESS=", "LANG=C.UTF-8")...)
	want502(t, proxyClient(t, o, f), o.URL+"/echo", "credentials_rejected")
	waitLog(t, f, "no desktop to notify: ferry: the proxy rejected your password")
	if log := f.Stderr(); !strings.Contains(log, "level=WARN") || !strings.Contains(log, "DBUS_SESSION_BUS_ADDRESS is not set") {
		t.Errorf("the log does not say why there was no notification:\n%s", log)
	}

	a.Password = "Wrong-pw 10!"
	f2 := testenv.StartFerry(t, "notify = false\n"+ferryConfig([]string{p.Squid.Addr}, a), append(p.Env, "DBUS_SESSION_BUS_ADDRESS="+bus.Address)...)
	want502(t, proxyClient(t, o, f2), o.URL+"/echo", "credentials_rejected")
	time.Sleep(500 * time.Millisecond)
	if n := srv.Notes(); len(n) != 0 {
		t.Errorf("notify = false still sent %d notes: %+v", len(n), n)
	}
	if strings.Contains(f2.Stderr(), "desktop notification") || strings.Contains(f2.Stderr(), "no desktop to notify") {
		t.Errorf("notify = false still tried to notify:\n%s", f2.Stderr())
	}
}

// TestKerberosNoTicketNotifiesOnce: a parent that wants Kerberos, no
// ticket and no password: one note saying to run kinit, across requests
// and a reload; after kinit the requests go through.
func TestKerberosNoTicketNotifiesOnce(t *testing.T) {
	bus := testenv.StartSessionBus(t)
	srv := bus.ServeNotifications(t)
	o := testenv.StartOrigin(t)
	const pw = "Kerb-pw 4!"
	kdc := testenv.StartKDC(t)
	kdc.AddUser(t, "alice", pw)
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc})
	ccache := filepath.Join(testenv.TempDir(t), "krb5cc_later")
	env := []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + ccache,
		"DBUS_SESSION_BUS_ADDRESS=" + bus.Address, "LANG=C.UTF-8"}
	f := testenv.StartFerry(t, ferryConfig([]string{sq.Addr}, ferryAuth{Scheme: "negotiate", User: "alice", Realm: kdc.Realm}), env...)
	c := proxyClient(t, o, f)
	for i := 0; i < 3; i++ {
		want502(t, c, o.URL+"/echo", "kerberos_no_ticket")
	}
	sighup(t, f.Pid())
	waitLogCount(t, f, "configuration reloaded", 1)
	want502(t, c, o.URL+"/echo", "kerberos_no_ticket")
	srv.WaitNotes(t, 1, 10*time.Second)
	time.Sleep(500 * time.Millisecond)
	notes := srv.Notes()
	if len(notes) != 1 {
		t.Fatalf("%d notes for a missing ticket across 4 requests and a reload, want 1: %+v", len(notes), notes)
	}
	n := notes[0]
	if n.Summary != "ferry: no valid Kerberos ticket" {
		t.Errorf("summary %q", n.Summary)
	}
	for _, want := range []string{sq.Addr, "kinit alice@" + kdc.Realm, "ferry password"} {
		if !strings.Contains(n.Body, want) {
			t.Errorf("the note does not mention %q:\n%s", want, n.Body)
		}
	}
	kdc.Kinit(t, "alice", pw, ccache)
	getEcho(t, c, o.URL+"/echo", nil)
}
