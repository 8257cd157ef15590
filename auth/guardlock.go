package auth

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The state file is shared by every ferry process of the user: the
// running service, `ferry doctor`, the status page's forms. Each change is
// a read-modify-write under an exclusive lock on a second file beside it
// (lockout.json.lock, never removed: removing it while a process holds it
// would let the next one lock a new file); readers take it shared, so that
// on Windows no reader holds lockout.json open while a writer renames over
// it (os.Open does not share delete access, and the rename would fail).
//
// The lock file also carries the state's change counter in its first 8
// bytes, bumped under the exclusive lock before the new state is renamed
// into place: a process learns with one read of 8 bytes (no lock, no
// stat) whether another one changed the state since it last read it, so it
// can afford to ask before every logon. A writer that dies between the
// bump and the rename costs the readers one needless re-read, never a
// missed change. The lock itself is taken on a byte far beyond the counter
// (lockByteHigh): Windows locks are mandatory, and a lock over the counter
// would fail the readers' unlocked read.
//
// The OS specifics are lockFile and unlockFile (guardlock_unix.go: flock;
// guardlock_windows.go: LockFileEx); both only try, and lockState polls.

// lockWait bounds the wait for another process's lock. The lock is held
// for the read and write of a file of a few hundred bytes (the scrypt
// fingerprint is computed before it is taken), so a wait this long means
// a stuck process, not a busy one.
const lockWait = 2 * time.Second

// errWouldBlock is lockFile's answer when another process holds the lock.
var errWouldBlock = errors.New("held by another process")

// stateLock is the open lock file of one Guard.
type stateLock struct {
	f    *os.File
	wait time.Duration
}

func openStateLock(path string) (*stateLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return &stateLock{f: f, wait: lockWait}, nil
}

// lock takes the lock, exclusive or shared, waiting at most l.wait.
func (l *stateLock) lock(exclusive bool) error {
	deadline := time.Now().Add(l.wait)
	pause := time.Millisecond
	for {
		err := lockFile(l.f, exclusive)
		if !errors.Is(err, errWouldBlock) {
			if err != nil {
				return fmt.Errorf("lock %s: %w", l.f.Name(), err)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return &LockTimeoutError{Path: l.f.Name(), Wait: l.wait}
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

func (l *stateLock) unlock() { _ = unlockFile(l.f) }

// counter reads the change counter; a short or unreadable file reads 0.
func (l *stateLock) counter() uint64 {
	var b [8]byte
	if _, err := l.f.ReadAt(b[:], 0); err != nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b[:])
}

// bump advances the change counter; the caller holds the lock exclusive.
func (l *stateLock) bump() (uint64, error) {
	n := l.counter() + 1
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], n)
	_, err := l.f.WriteAt(b[:], 0)
	return n, err
}

// LockTimeoutError says that another process kept the state file's lock
// longer than ferry waits for it.
type LockTimeoutError struct {
	Path string
	Wait time.Duration
}

func (e *LockTimeoutError) Error() string {
	return fmt.Sprintf("lockout state lock %s is held by another process for more than %s", e.Path, e.Wait)
}
