package testenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// SecretService is GNOME Keyring's Secret Service (org.freedesktop.secrets)
// on a private session bus, with its keyrings in a temp dir: what the OS
// keyring is on a Linux desktop, for go-keyring and ferry's auth.keyring.
// The machine's own keyring and session bus are never touched.
type SecretService struct {
	Bus *SessionBus
}

// Env is the environment a process needs to use it.
func (s *SecretService) Env() []string {
	return []string{"DBUS_SESSION_BUS_ADDRESS=" + s.Bus.Address}
}

// StartSecretService starts gnome-keyring-daemon with only its secrets
// component on a new session bus, its login keyring created and unlocked
// (--unlock reads that keyring's own password from standard input), so
// that storing an item asks no prompter. It skips when dbus-daemon or
// gnome-keyring-daemon is missing (fails under CI=true, see Require).
func StartSecretService(t testing.TB) *SecretService {
	t.Helper()
	Require(t, "a Secret Service (GNOME Keyring)", "dbus-daemon", "gnome-keyring-daemon")
	bus := StartSessionBus(t)
	dir := TempDir(t)
	run := filepath.Join(dir, "run")
	if err := os.MkdirAll(run, 0o700); err != nil {
		t.Fatal(err)
	}
	bin, _ := lookPath("gnome-keyring-daemon")
	env := []string{"HOME=" + dir, "XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_RUNTIME_DIR=" + run,
		"DBUS_SESSION_BUS_ADDRESS=" + bus.Address}
	d, err := startDaemon(dir, "gnome-keyring-daemon", env, "/bin/sh", "-c",
		`printf %s testenv-keyring | exec "$0" --unlock --components=secrets --foreground`, bin)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(d.kill)
	conn, err := dbus.Connect(bus.Address)
	if err != nil {
		t.Fatalf("testenv: connect to the session bus: %v", err)
	}
	defer conn.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var owned bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.secrets").Store(&owned)
		if err == nil && owned {
			return &SecretService{Bus: bus}
		}
		select {
		case <-d.done:
			out, _ := os.ReadFile(filepath.Join(dir, "gnome-keyring-daemon.stderr"))
			t.Fatalf("testenv: gnome-keyring-daemon exited at start: %v\n%s", d.waitErr, out)
		default:
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(filepath.Join(dir, "gnome-keyring-daemon.stderr"))
			t.Fatalf("testenv: no org.freedesktop.secrets on the session bus in 10 s (%v)\n%s", err, out)
		}
	}
}
