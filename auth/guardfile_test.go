package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestMain lets the test binary be the second ferry process of
// TestGuardFileTwoProcessesKeepEachOthersRests.
func TestMain(m *testing.M) {
	if path := os.Getenv("FERRY_TEST_GUARD_WRITER"); path != "" {
		os.Exit(recordRests(path, "child"))
	}
	os.Exit(m.Run())
}

const restsPerProcess = 6

// recordRests records restsPerProcess rests of users named after who,
// each a separate read-modify-write of the state file, pausing between
// the read and the write.
func recordRests(path, who string) int {
	g, err := OpenGuard(path, 10*time.Minute, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer g.Close()
	pauseBeforeWrite(g, func() { time.Sleep(20 * time.Millisecond) })
	for i := range restsPerProcess {
		a, err := New(Config{Scheme: "basic", User: fmt.Sprintf("%s-%d", who, i), Password: "wrong"})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		g.Fail("proxy:3128", a, "basic: rejected")
		if err := g.SaveError(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	return 0
}

func restedIdentities(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f guardFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("state file: %v\n%s", err, data)
	}
	got := map[string]bool{}
	for _, r := range f.Rests {
		got[r.Identity] = true
	}
	return got
}

// TestGuardFileTwoProcessesKeepEachOthersRests: ferry and `ferry doctor`
// (here: this test and the test binary run again) record rests in the same
// state file at the same time; every rest of both ends up in the file, and
// each process sees the other's before its next logon. A lost rest is a
// second failed logon inside the cool-down.
func TestGuardFileTwoProcessesKeepEachOthersRests(t *testing.T) {
	path := filepath.Join(testenv.TempDir(t), "ferry", "lockout.json")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "FERRY_TEST_GUARD_WRITER="+path)
	child.Stderr = os.Stderr
	var wg sync.WaitGroup
	var childErr error
	wg.Go(func() { childErr = child.Run() })
	if code := recordRests(path, "parent"); code != 0 {
		t.Fatalf("this process could not record its rests (exit %d)", code)
	}
	wg.Wait()
	if childErr != nil {
		t.Fatalf("the second process: %v", childErr)
	}
	got := restedIdentities(t, path)
	for _, who := range []string{"parent", "child"} {
		for i := range restsPerProcess {
			if id := fmt.Sprintf("%s-%d", who, i); !got[id] {
				t.Errorf("the rest of %s is not in the state file (one process wrote over the other's)", id)
			}
		}
	}
}

// TestGuardSeesRestAnotherProcessRecorded: a running ferry's Guard learns
// of a rest `ferry doctor` recorded after ferry read the file, before its
// next logon, and of its end by a logon that succeeded there.
func TestGuardSeesRestAnotherProcessRecorded(t *testing.T) {
	path := filepath.Join(testenv.TempDir(t), "ferry", "lockout.json")
	relay, err := OpenGuard(path, 10*time.Minute, nil)
	closeAtEnd(t, relay)
	if err != nil {
		t.Fatal(err)
	}
	// The relay has written the file once already (a parent's offer).
	relay.NoteOffered("proxy:3128", []Challenge{{Scheme: SchemeNTLM}})
	a := basicAuthenticator(t, "alice", "wrong")
	if lo := relay.Check("proxy:3128", a); lo != nil {
		t.Fatalf("resting before any rejection: %v", lo)
	}
	doctor, err := OpenGuard(path, 10*time.Minute, nil)
	closeAtEnd(t, doctor)
	if err != nil {
		t.Fatal(err)
	}
	doctor.Fail("proxy:3128", basicAuthenticator(t, "alice", "wrong"), "basic: rejected")
	if lo := relay.Check("proxy:3128", a); lo == nil {
		t.Fatal("the running Guard does not see the rest another process recorded: its next logon would be the second failed one")
	}
	if !doctor.OfferedStronger("proxy:3128") {
		t.Error("the other process forgot the parent's offer of NTLM")
	}
	doctor.Succeed("proxy:3128", basicAuthenticator(t, "alice", "wrong"))
	if lo := relay.Check("proxy:3128", a); lo != nil {
		t.Errorf("a logon that succeeded in another process did not end the rest here: %v", lo)
	}
}

// TestGuardFileUnreadableRestsEveryone: a state file ferry cannot read
// (garbage, half a file, a directory in its place) may have held a rest,
// so every credentials rest at every parent until a cool-down since the
// file's last change has passed, with an error that names the file; a
// file older than that is ignored. "retry now" ends the rest.
func TestGuardFileUnreadableRestsEveryone(t *testing.T) {
	half, _ := json.Marshal(guardFile{Version: guardVersion, Rests: []storedRest{{Parent: "proxy:3128", Identity: "alice",
		Salt: make([]byte, 16), Fingerprint: make([]byte, scryptKeyLen), Until: time.Now().Add(time.Hour)}}})
	for _, tc := range []struct {
		name   string
		write  func(path string) error
		age    time.Duration
		resets bool
	}{
		{"garbage", func(p string) error { return os.WriteFile(p, []byte("\x00\x17garbage"), 0o600) }, 0, true},
		{"half written", func(p string) error { return os.WriteFile(p, half[:len(half)/2], 0o600) }, time.Minute, true},
		{"foreign version", func(p string) error { return os.WriteFile(p, []byte(`{"version": 7}`), 0o600) }, 0, true},
		{"a directory", func(p string) error { return os.Mkdir(p, 0o700) }, 0, false},
		{"garbage older than a cool-down", func(p string) error { return os.WriteFile(p, []byte("garbage"), 0o600) }, 11 * time.Minute, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(testenv.TempDir(t), "lockout.json")
			if err := tc.write(path); err != nil {
				t.Fatal(err)
			}
			mtime := time.Now().Add(-tc.age).Truncate(time.Second)
			if err := os.Chtimes(path, mtime, mtime); err != nil {
				t.Fatal(err)
			}
			g, err := OpenGuard(path, 10*time.Minute, nil)
			closeAtEnd(t, g)
			if g == nil {
				t.Fatalf("no Guard: %v", err)
			}
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("OpenGuard error %v, want one naming %s", err, path)
			}
			lo := g.Check("other:8080", basicAuthenticator(t, "bob", "any"))
			if tc.age > 10*time.Minute {
				if lo != nil {
					t.Errorf("a damaged file older than a cool-down rests the credentials: %v", lo)
				}
				return
			}
			if lo == nil || lo.State == nil {
				t.Fatalf("credentials may be tried although the damaged state file may hold a rest of them: %v", lo)
			}
			if want := mtime.Add(10 * time.Minute); !lo.Until.Equal(want) {
				t.Errorf("rest until %v, want a cool-down after the file's last change (%v)", lo.Until, want)
			}
			if !tc.resets {
				// The file cannot be rewritten: "retry now" here still ends
				// the rest.
				g.Reset()
				if lo := g.Check("other:8080", basicAuthenticator(t, "bob", "any")); lo != nil {
					t.Errorf("\"retry now\" did not end the rest of a file that cannot be rewritten: %v", lo)
				}
				return
			}
			// The file is readable again and carries the rest to the other
			// processes.
			other, err := OpenGuard(path, 10*time.Minute, nil)
			closeAtEnd(t, other)
			if err != nil {
				t.Fatalf("the file was not rewritten: %v", err)
			}
			if lo := other.Check("proxy:3128", basicAuthenticator(t, "carol", "x")); lo == nil || lo.State == nil {
				t.Errorf("another process does not keep the rest of the unreadable file: %v", lo)
			}
			other.Reset()
			if lo := g.Check("proxy:3128", basicAuthenticator(t, "carol", "x")); lo != nil {
				t.Errorf("\"retry now\" in another process did not end the rest: %v", lo)
			}
		})
	}
}

// TestGuardLockHeldTooLong: a process that keeps the state file's lock
// (stuck, or a file system that hangs) does not hang ferry: a Guard that
// must re-read the file waits a bounded time and then does not let the
// logon go out; a rest it records waits in memory and reaches the file
// once the lock is free.
func TestGuardLockHeldTooLong(t *testing.T) {
	path := filepath.Join(testenv.TempDir(t), "ferry", "lockout.json")
	g, err := OpenGuard(path, 10*time.Minute, nil)
	closeAtEnd(t, g)
	if err != nil {
		t.Fatal(err)
	}
	g.lk.wait = 50 * time.Millisecond
	other, err := OpenGuard(path, 10*time.Minute, nil)
	closeAtEnd(t, other)
	if err != nil {
		t.Fatal(err)
	}
	other.Fail("proxy:3128", basicAuthenticator(t, "bob", "wrong"), "basic: rejected")

	stuck := newStateLock(path)
	t.Cleanup(func() { stuck.close() })
	if err := stuck.lock(true); err != nil {
		t.Fatal(err)
	}
	alice := basicAuthenticator(t, "alice", "wrong")
	lo := g.Check("proxy:3128", alice)
	var te *LockTimeoutError
	if lo == nil || !errors.As(lo.State, &te) {
		t.Fatalf("a logon may go out although the state file could not be read: %v", lo)
	}
	g.Fail("proxy:3128", alice, "basic: rejected")
	if !errors.As(g.SaveError(), &te) {
		t.Errorf("SaveError %v, want the lock's timeout", g.SaveError())
	}
	if g.Check("proxy:3128", alice) == nil {
		t.Error("the rest recorded while the lock was held does not hold in memory")
	}
	stuck.unlock()
	if lo := g.Check("proxy:3128", basicAuthenticator(t, "carol", "x")); lo != nil {
		t.Errorf("resting after the lock was freed: %v", lo)
	}
	got := restedIdentities(t, path)
	if !got["alice"] || !got["bob"] {
		t.Errorf("rests in the file after the lock was freed: %v, want alice and bob", got)
	}
}

// TestGuardWithoutLockFileStillReadsRests: a lock file that cannot be
// created (here a directory in its place) does not lose the rests in the
// state file: they are read, unlocked, and SaveError says why.
func TestGuardWithoutLockFileStillReadsRests(t *testing.T) {
	path := filepath.Join(testenv.TempDir(t), "lockout.json")
	g, err := OpenGuard(path, 10*time.Minute, nil)
	closeAtEnd(t, g)
	if err != nil {
		t.Fatal(err)
	}
	g.Fail("proxy:3128", basicAuthenticator(t, "alice", "wrong"), "basic: rejected")
	g.Close()
	if err := os.Remove(path + ".lock"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path+".lock", 0o700); err != nil {
		t.Fatal(err)
	}
	g2, err := OpenGuard(path, 10*time.Minute, nil)
	closeAtEnd(t, g2)
	if g2 == nil || err != nil {
		t.Fatalf("OpenGuard: %v, %v", g2, err)
	}
	if g2.Check("proxy:3128", basicAuthenticator(t, "alice", "wrong")) == nil {
		t.Error("the rest in the state file was lost for want of a lock file")
	}
	if err := g2.SaveError(); err == nil || !strings.Contains(err.Error(), ".lock") {
		t.Errorf("SaveError %v, want the lock file's error", err)
	}
}

// BenchmarkGuardCheck is the cost of the check made before every request
// and every logon while nothing rests: in memory, and with a state file
// (one read of the change counter).
func BenchmarkGuardCheck(b *testing.B) {
	a, err := New(Config{Scheme: "basic", User: "alice", Password: "pw"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("memory", func(b *testing.B) {
		g := NewGuard(0, nil)
		for b.Loop() {
			g.Check("proxy:3128", a)
		}
	})
	b.Run("state file", func(b *testing.B) {
		g, err := OpenGuard(filepath.Join(testenv.TempDir(b), "lockout.json"), 0, nil)
		closeAtEnd(b, g)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			g.Check("proxy:3128", a)
		}
	})
}
