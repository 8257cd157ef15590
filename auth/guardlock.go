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

// stateLock is the lock file of one Guard, opened when first needed and
// kept open (the change counter is read before every logon) until the
// Guard's Close. Its methods run under the Guard's mu.
type stateLock struct {
	path string
	f    *os.File
	err  error // why it could not be opened: the Guard works unlocked
	wait time.Duration
}

func newStateLock(statePath string) *stateLock {
	return &stateLock{path: statePath + ".lock", wait: lockWait}
}

// file opens the lock file. One that cannot be opened (a directory ferry
// may not write, a file another user created with sudo) is not tried
// again until Close: the state file is then still read, so that the rests
// in it hold, but not re-read.
func (l *stateLock) file() *os.File {
	if l.f == nil && l.err == nil {
		if l.err = os.MkdirAll(filepath.Dir(l.path), 0o700); l.err == nil {
			l.f, l.err = os.OpenFile(l.path, os.O_RDWR|os.O_CREATE, 0o600)
		}
		if l.err != nil {
			l.err = fmt.Errorf("lockout state lock: %w", l.err)
		}
	}
	return l.f
}

// close releases the lock file (Windows cannot remove a file held open).
func (l *stateLock) close() error {
	f := l.f
	l.f, l.err = nil, nil
	if f == nil {
		return nil
	}
	return f.Close()
}

// lock takes the lock, exclusive or shared, waiting at most l.wait.
func (l *stateLock) lock(exclusive bool) error {
	f := l.file()
	if f == nil {
		return l.err
	}
	deadline := time.Now().Add(l.wait)
	pause := time.Millisecond
	for {
		err := lockFile(f, exclusive)
		if !errors.Is(err, errWouldBlock) {
			if err != nil {
				return fmt.Errorf("lock %s: %w", l.path, err)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return &LockTimeoutError{Path: l.path, Wait: l.wait}
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

func (l *stateLock) unlock() {
	if l.f != nil {
		_ = unlockFile(l.f)
	}
}

// counter reads the change counter; a short or unreadable file reads 0.
func (l *stateLock) counter() uint64 {
	var b [8]byte
	f := l.file()
	if f == nil {
		return 0
	}
	if _, err := f.ReadAt(b[:], 0); err != nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b[:])
}

// bump advances the change counter; the caller holds the lock exclusive.
func (l *stateLock) bump() (uint64, error) {
	if l.f == nil {
		return 0, nil
	}
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
