package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// SessionBus is a private D-Bus session bus (dbus-daemon --session's kind)
// on a socket in a temp dir, stopped when the test ends. Nothing of the
// machine's own session bus is touched, and no service is activated: only
// what the test registers answers.
type SessionBus struct {
	// Address is the bus address for DBUS_SESSION_BUS_ADDRESS.
	Address string
}

// sessionBusConf is a session bus that admits only its owner (EXTERNAL
// authentication over the Unix socket) and lets it own any name.
const sessionBusConf = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// StartSessionBus starts dbus-daemon with its own configuration. It skips
// when dbus-daemon is missing (fails under CI=true, see Require).
func StartSessionBus(t testing.TB) *SessionBus {
	t.Helper()
	Require(t, "a D-Bus session bus", "dbus-daemon")
	dir := TempDir(t)
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "session.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(sessionBusConf, sock)), 0o600); err != nil {
		t.Fatal(err)
	}
	bin, _ := lookPath("dbus-daemon")
	d, err := startDaemon(dir, "dbus-daemon", nil, bin, "--config-file="+conf, "--nofork", "--nopidfile", "--nosyslog")
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(d.kill)
	b := &SessionBus{Address: "unix:path=" + sock}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := dbus.Connect(b.Address)
		if err == nil {
			c.Close()
			return b
		}
		select {
		case <-d.done:
			out, _ := os.ReadFile(filepath.Join(dir, "dbus-daemon.stderr"))
			t.Fatalf("testenv: dbus-daemon exited at start: %v\n%s", d.waitErr, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: the session bus at %s did not accept a connection in 10 s: %v", sock, err)
		}
	}
}

// Notification is one call of org.freedesktop.Notifications.Notify, as a
// notification server received it.
type Notification struct {
	AppName    string
	ReplacesID uint32
	Icon       string
	Summary    string
	Body       string
	Actions    []string
	Hints      map[string]dbus.Variant
	Timeout    int32
}

// NotificationServer is a recording org.freedesktop.Notifications server:
// it answers Notify as a desktop would and keeps what it was sent.
type NotificationServer struct {
	mu    sync.Mutex
	notes []Notification
	added chan struct{} // signalled on every note
}

// notificationsAPI holds only the methods exported on the bus.
type notificationsAPI struct{ s *NotificationServer }

// Notify is the specification's Notify; it returns the note's id.
func (a notificationsAPI) Notify(appName string, replacesID uint32, icon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	a.s.mu.Lock()
	a.s.notes = append(a.s.notes, Notification{appName, replacesID, icon, summary, body, actions, hints, timeout})
	id := uint32(len(a.s.notes))
	a.s.mu.Unlock()
	select {
	case a.s.added <- struct{}{}:
	default:
	}
	return id, nil
}

// GetCapabilities is the specification's: plain body text only.
func (notificationsAPI) GetCapabilities() ([]string, *dbus.Error) { return []string{"body"}, nil }

// GetServerInformation is the specification's.
func (notificationsAPI) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "ferry-testenv", "ferryproxy", "1", "1.2", nil
}

// ServeNotifications registers a recording notification server on b,
// removed when the test ends.
func (b *SessionBus) ServeNotifications(t testing.TB) *NotificationServer {
	t.Helper()
	conn, err := dbus.Connect(b.Address)
	if err != nil {
		t.Fatalf("testenv: connect to the session bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &NotificationServer{added: make(chan struct{}, 1)}
	if err := conn.Export(notificationsAPI{s}, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatalf("testenv: export the notification server: %v", err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("testenv: own org.freedesktop.Notifications: reply %v, %v", reply, err)
	}
	return s
}

// Notes returns what the server received so far.
func (s *NotificationServer) Notes() []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.notes)
}

// WaitNotes waits up to timeout for at least n notes and returns all
// received; it fails the test when fewer came.
func (s *NotificationServer) WaitNotes(t testing.TB, n int, timeout time.Duration) []Notification {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if got := s.Notes(); len(got) >= n {
			return got
		}
		select {
		case <-s.added:
		case <-deadline:
			got := s.Notes()
			t.Fatalf("the notification server received %d notes in %s, want %d: %+v", len(got), timeout, n, got)
			return got
		}
	}
}
