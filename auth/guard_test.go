package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func basicAuthenticator(t *testing.T, user, password string) *Authenticator {
	t.Helper()
	a, err := New(Config{Scheme: "basic", User: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// clock is a settable time for the guard's cool-down.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestGuardRestBelongsToTheSecret(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)}
	g := NewGuard(10*time.Minute, c.now)
	wrong := basicAuthenticator(t, "alice", "wrong")
	lo, fresh := g.Fail("proxy:3128", wrong, "basic: rejected")
	if !fresh || !lo.Until.Equal(c.t.Add(10*time.Minute)) {
		t.Fatalf("first Fail: fresh %v, until %v", fresh, lo.Until)
	}
	// The same secret in a new Authenticator (a reload) still rests.
	if g.Check("proxy:3128", basicAuthenticator(t, "alice", "wrong")) == nil {
		t.Error("the same credentials after a reload are not resting")
	}
	// Another password of the same user is tried at once, and so is
	// another parent.
	if lo := g.Check("proxy:3128", basicAuthenticator(t, "alice", "right")); lo != nil {
		t.Errorf("a changed password is resting: %v", lo)
	}
	if lo := g.Check("other:3128", wrong); lo != nil {
		t.Errorf("another parent is resting: %v", lo)
	}
	// A second rejection during the rest keeps its end.
	c.t = c.t.Add(time.Minute)
	lo2, fresh := g.Fail("proxy:3128", wrong, "basic: rejected")
	if fresh || !lo2.Until.Equal(lo.Until) {
		t.Errorf("second Fail: fresh %v, until %v, want the first rest (until %v)", fresh, lo2.Until, lo.Until)
	}
	c.t = lo.Until
	if lo := g.Check("proxy:3128", wrong); lo != nil {
		t.Errorf("still resting after the cool-down: %v", lo)
	}
}

func TestGuardKDCRefusalRestsEveryParent(t *testing.T) {
	g := NewGuard(time.Minute, nil)
	a := basicAuthenticator(t, "alice", "wrong")
	g.Fail(AnyParent, a, "kerberos: refused")
	if g.Check("proxy:3128", a) == nil || g.Check("other:8080", a) == nil {
		t.Error("a KDC refusal does not rest the credentials at every parent")
	}
	g.Succeed("proxy:3128", a)
	if g.Check("other:8080", a) != nil {
		t.Error("a successful logon did not end the rest")
	}
}

func TestGuardFileKeepsRestsAcrossRestarts(t *testing.T) {
	path := filepath.Join(testenv.TempDir(t), "state", "ferry", "lockout.json")
	const pw = "Wrong-pw 9!"
	g, err := OpenGuard(path, 10*time.Minute, nil)
	closeAtEnd(t, g)
	if err != nil {
		t.Fatal(err)
	}
	lo, _ := g.Fail("proxy:3128", basicAuthenticator(t, "alice", pw), "basic: rejected")
	g.NoteOffered("proxy:3128", []Challenge{{Scheme: SchemeNTLM}, {Scheme: SchemeBasic}})
	if err := g.SaveError(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// Windows has no mode bits (Go maps them to the read-only flag); the
	// file lives in the user's own %LOCALAPPDATA%, which its ACL protects.
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	for _, secret := range []string{pw, base64.StdEncoding.EncodeToString([]byte("alice:" + pw)), hex.EncodeToString([]byte(pw))} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the state file holds the secret in clear (%q):\n%s", secret, data)
		}
	}

	// A restart: a new Guard from the same file.
	g2, err := OpenGuard(path, 10*time.Minute, nil)
	closeAtEnd(t, g2)
	if err != nil {
		t.Fatal(err)
	}
	if !g2.OfferedStronger("proxy:3128") {
		t.Error("the parent's offer of NTLM was forgotten")
	}
	if lo := g2.Check("proxy:3128", basicAuthenticator(t, "alice", "Right-pw")); lo != nil {
		t.Errorf("a changed password is resting after a restart: %v", lo)
	}
	got := g2.Check("proxy:3128", basicAuthenticator(t, "alice", pw))
	if got == nil {
		t.Fatal("the rest did not survive the restart")
	}
	if !got.Until.Equal(lo.Until) {
		t.Errorf("rest until %v after the restart, want %v", got.Until, lo.Until)
	}
	if len(g2.Snapshot()) != 1 {
		t.Errorf("snapshot after the restart: %v", g2.Snapshot())
	}
	// Ending the rest ends it on disk too.
	g2.Reset()
	g3, err := OpenGuard(path, 10*time.Minute, nil)
	closeAtEnd(t, g3)
	if err != nil {
		t.Fatal(err)
	}
	if lo := g3.Check("proxy:3128", basicAuthenticator(t, "alice", pw)); lo != nil {
		t.Errorf("the rest survived Reset: %v", lo)
	}
}
