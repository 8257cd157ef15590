package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func envOf(kv ...string) func(string) string {
	return func(k string) string {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == k {
				return kv[i+1]
			}
		}
		return ""
	}
}

// TestFreedesktopSendsTheNoteToTheServer: against a real dbus-daemon and a
// recording notification server, the note arrives as the specification's
// Notify call, its body escaped for servers that read markup.
func TestFreedesktopSendsTheNoteToTheServer(t *testing.T) {
	bus := testenv.StartSessionBus(t)
	srv := bus.ServeNotifications(t)
	f := freedesktop{getenv: envOf("DBUS_SESSION_BUS_ADDRESS", bus.Address)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	note := Note{Title: "ferry: the proxy rejected your password", Body: "parent <proxy> & co\nrun 'ferry password'"}
	if err := f.Notify(ctx, note); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitNotes(t, 1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d notes, want 1: %+v", len(got), got)
	}
	n := got[0]
	if n.AppName != "ferry" || n.Summary != note.Title || n.ReplacesID != 0 || n.Timeout != -1 {
		t.Errorf("note %+v", n)
	}
	if want := "parent &lt;proxy&gt; &amp; co\nrun 'ferry password'"; n.Body != want {
		t.Errorf("body %q, want %q", n.Body, want)
	}
	if u, ok := n.Hints["urgency"].Value().(byte); !ok || u != 1 {
		t.Errorf("urgency hint %v, want byte 1 (normal)", n.Hints["urgency"])
	}
}

// TestFreedesktopWithoutSession: no bus address, an address nobody
// listens at, and a bus without a notification server are all "no desktop
// session", which the caller logs instead.
func TestFreedesktopWithoutSession(t *testing.T) {
	bus := testenv.StartSessionBus(t)
	dead := "unix:path=" + testenv.TempDir(t) + "/nobus"
	for _, tc := range []struct{ name, addr, why string }{
		{"no address", "", "DBUS_SESSION_BUS_ADDRESS is not set"},
		{"no bus", dead, "cannot connect to the session bus"},
		{"no server", bus.Address, "no notification server on the session bus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := freedesktop{getenv: envOf("DBUS_SESSION_BUS_ADDRESS", tc.addr)}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := f.Notify(ctx, Note{Title: "t", Body: "b"})
			var ns *NoSessionError
			if !errors.Is(err, ErrNoSession) || !errors.As(err, &ns) || ns.Why != tc.why {
				t.Fatalf("err %v, want a NoSessionError saying %q", err, tc.why)
			}
		})
	}
}

// TestFreedesktopFindsTheUserBusWithoutTheVariable: a user service that
// systemd started before the desktop exported DBUS_SESSION_BUS_ADDRESS
// still reaches the desktop through $XDG_RUNTIME_DIR/bus; a runtime dir
// without a bus socket is no session.
func TestFreedesktopFindsTheUserBusWithoutTheVariable(t *testing.T) {
	bus := testenv.StartSessionBus(t)
	srv := bus.ServeNotifications(t)
	runtimeDir := strings.TrimSuffix(strings.TrimPrefix(bus.Address, "unix:path="), "/bus")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f := freedesktop{getenv: envOf("XDG_RUNTIME_DIR", runtimeDir)}
	if err := f.Notify(ctx, Note{Title: "t", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitNotes(t, 1, 5*time.Second); len(got) != 1 {
		t.Fatalf("%d notes, want 1", len(got))
	}
	f = freedesktop{getenv: envOf("XDG_RUNTIME_DIR", testenv.TempDir(t))}
	if err := f.Notify(ctx, Note{Title: "t", Body: "b"}); !errors.Is(err, ErrNoSession) {
		t.Fatalf("runtime dir without a bus: %v, want no session", err)
	}
}
