package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/crypto/scrypt"
)

// The Guard's state file keeps rests across restarts. A rest must be
// recognised only for the same secret, yet the file must not let anyone who
// reads it test passwords quickly: each rest stores a random salt and
// scrypt(secret, salt) with the interactive-login parameters of the scrypt
// paper (N=2^15, r=8, p=1: about 100 ms and 32 MiB per guess). ferry pays
// that only when it records a rest, and once per credentials after it
// finds a rest on disk that another process (or an earlier run) recorded.
//
// Several processes share the file (guardlock.go): each change is merged
// into what is on disk under a lock, never written over it, and a Guard
// re-reads the file whenever another process changed it, before it lets a
// logon go out. A rest's salt is its identity across processes.
const (
	scryptN      = 1 << 15
	scryptR      = 8
	scryptP      = 1
	scryptKeyLen = 32
	guardVersion = 1
)

type guardFile struct {
	Version int          `json:"version"`
	Rests   []storedRest `json:"rests,omitempty"`
	// Stronger lists the parents that offered a scheme stronger than Basic.
	Stronger []string `json:"offered_stronger_than_basic,omitempty"`
	// Unreadable is a rest of every credentials at every parent, left by a
	// state file that could not be read (unreadableRest).
	Unreadable *storedBlanket `json:"unreadable,omitempty"`
}

type storedRest struct {
	Parent      string    `json:"parent"`
	Identity    string    `json:"identity"`
	Reason      string    `json:"reason"`
	Since       time.Time `json:"since"`
	Until       time.Time `json:"until"`
	Salt        []byte    `json:"salt"`
	Fingerprint []byte    `json:"scrypt"`

	// misses holds the in-memory fingerprints already found not to match,
	// so that a changed password costs one scrypt, not one per request.
	misses map[string]bool
}

type storedBlanket struct {
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
	Until  time.Time `json:"until"`
}

// StateFileError says that the state file could not be read or parsed.
type StateFileError struct {
	Path    string
	ModTime time.Time // zero when not even its time could be read
	Err     error
}

func (e *StateFileError) Error() string {
	return fmt.Sprintf("lockout state file %s cannot be used: %v", e.Path, e.Err)
}

func (e *StateFileError) Unwrap() error { return e.Err }

// OpenGuard returns a Guard whose rests and parent memory are kept in the
// file at path (created 0600, its directory 0700, when first needed), shared
// with every other ferry process of the user. A missing file is an empty
// state. A file that cannot be read or parsed returns the Guard with a
// *StateFileError to log: the Guard then rests every credentials for what
// is left of a cool-down since the file's last change (unreadableRest). Even
// a lock file that cannot be created does not stop it: the Guard reads the
// file once and works unlocked, and SaveError says why. The Guard is never
// nil, whatever the error.
func OpenGuard(path string, cooldown time.Duration, now func() time.Time) (*Guard, error) {
	g := NewGuard(cooldown, now)
	g.path, g.lk = path, newStateLock(path)
	g.mu.Lock()
	defer g.mu.Unlock()
	// The lock file opens again at the first use: a Guard built and never
	// used (a start that fails to listen) holds nothing open.
	defer g.lk.close()
	if err := g.reload(); err != nil {
		return g, err
	}
	var se *StateFileError
	if errors.As(g.fileErr, &se) {
		return g, se
	}
	return g, nil
}

// Close releases the state file's lock file, which the Guard keeps open
// to read its change counter cheaply; a later use opens it again. Close
// is a no-op for a Guard in memory only.
func (g *Guard) Close() error {
	if g.lk == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lk.close()
}

// Path is the state file, "" for a Guard in memory only.
func (g *Guard) Path() string { return g.path }

func newDiskFingerprint(secret []byte) (salt, fp []byte) {
	salt = make([]byte, 16)
	_, _ = rand.Read(salt)
	return salt, diskFingerprint(secret, salt)
}

func diskFingerprint(secret, salt []byte) []byte {
	fp, err := scrypt.Key(secret, salt, scryptN, scryptR, scryptP, scryptKeyLen)
	if err != nil {
		panic("auth: scrypt parameters: " + err.Error()) // constants: cannot happen
	}
	return fp
}

// adopt moves a rest read from the file for parent and a's identity into
// the in-memory map under key, when a's secret has its fingerprint. The
// caller holds mu.
func (g *Guard) adopt(parent string, a *Authenticator, key, fp string, now time.Time) {
	for i, r := range g.stored {
		if r.Parent != parent || r.Identity != a.Identity() || r.misses[fp] {
			continue
		}
		if !now.Before(r.Until) {
			continue
		}
		if subtle.ConstantTimeCompare(diskFingerprint(a.secretMaterial(), r.Salt), r.Fingerprint) != 1 {
			if r.misses == nil {
				r.misses = map[string]bool{}
			}
			r.misses[fp] = true
			continue
		}
		g.fails[key] = LockedOut{Key: key, Parent: parent, Identity: r.Identity, Reason: r.Reason,
			Since: r.Since, Until: r.Until, salt: r.Salt, fp: r.Fingerprint, written: true}
		g.stored = append(g.stored[:i], g.stored[i+1:]...)
		return
	}
}

// refresh re-reads the file when another process changed it, and writes
// what an earlier save could not. It returns a rest when ferry cannot know
// what the file holds: the lock was held too long by another process, and
// a logon now could be the second failed one. The caller holds mu.
func (g *Guard) refresh() *LockedOut {
	changed := g.lk.counter() != g.seen
	if !changed && (!g.dirty || time.Now().Before(g.retryAt)) {
		return nil
	}
	var err error
	if g.dirty {
		g.save()
		err = g.saveErr
		if g.dirty {
			// A file that cannot be written (a full disk, a directory in
			// its place) is tried again a second later, not per request.
			g.retryAt = time.Now().Add(time.Second)
		}
	} else {
		err = g.reload()
	}
	var te *LockTimeoutError
	if !errors.As(err, &te) {
		return nil
	}
	now := g.now()
	return &LockedOut{Parent: AnyParent, Since: now, Until: now.Add(te.Wait), State: err,
		Reason: "ferry could not read which credentials rest: " + err.Error()}
}

// reload reads the file under the shared lock and merges it in. Only a
// lock that could not be taken in time is an error; a damaged file is
// handled by merge. The caller holds mu.
func (g *Guard) reload() error {
	if err := g.lk.lock(false); err != nil {
		var te *LockTimeoutError
		if errors.As(err, &te) {
			return err
		}
		// A file system without locks (some network mounts): the file is
		// still read, as before there was a lock.
		g.saveErr = err
	} else {
		defer g.lk.unlock()
	}
	n := g.lk.counter()
	g.merge(g.readFile())
	g.seen = n
	return nil
}

// save counts the rests and, when there is a state file, merges this
// Guard's changes into it under the exclusive lock; every change of fails,
// stored or stronger ends with it. The caller holds mu. A failure is kept
// for SaveError and the change for the next save: the rest still holds in
// memory.
func (g *Guard) save() {
	g.count()
	if g.lk == nil {
		return
	}
	if err := g.lk.lock(true); err != nil {
		var te *LockTimeoutError
		if errors.As(err, &te) {
			g.saveErr, g.dirty = err, true
			return
		}
		g.saveErr = err
	} else {
		defer g.lk.unlock()
	}
	g.merge(g.readFile())
	if g.beforeWrite != nil {
		g.beforeWrite()
	}
	f := g.content()
	n, err := g.lk.bump()
	if err == nil {
		err = writeFileAtomic(g.path, f)
	}
	if err != nil {
		g.saveErr, g.dirty = fmt.Errorf("lockout state: %w", err), true
		return
	}
	g.saveErr, g.dirty, g.seen = nil, false, n
	clear(g.tomb)
	g.resetAt = time.Time{}
	for k, l := range g.fails {
		if l.fp != nil {
			l.written = true
			g.fails[k] = l
		}
	}
	if g.blanket != nil {
		g.blanket.written = true
	}
}

// readFile reads the state; present is false when there is no file.
func (g *Guard) readFile() (f guardFile, present bool, err error) {
	data, err := os.ReadFile(g.path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, false, nil
	}
	if err == nil {
		if err = json.Unmarshal(data, &f); err == nil && f.Version != guardVersion {
			err = fmt.Errorf("version %d, this ferry reads version %d", f.Version, guardVersion)
		}
	}
	if err != nil {
		se := &StateFileError{Path: g.path, Err: err}
		if fi, serr := os.Stat(g.path); serr == nil {
			se.ModTime = fi.ModTime()
		}
		return guardFile{}, true, se
	}
	return f, true, nil
}

// merge takes in what another process changed: rests it recorded, rests
// it ended (a rest this Guard wrote that is gone from a readable file was
// ended by a logon that succeeded or by "retry now"), parents it saw offer
// a stronger scheme. A missing file ends nothing (it may have been removed
// by hand while this process holds rests: they stand). The caller holds mu.
func (g *Guard) merge(f guardFile, present bool, err error) {
	g.fileErr = err
	defer g.count()
	if err != nil {
		g.unreadableRest(err)
		return
	}
	if !present {
		return
	}
	now := g.now()
	on := map[string]bool{}
	for _, r := range f.Rests {
		on[string(r.Salt)] = true
	}
	known := map[string]bool{}
	for k, l := range g.fails {
		if l.written && !on[string(l.salt)] {
			delete(g.fails, k)
		}
		known[string(l.salt)] = true
	}
	g.stored = slices.DeleteFunc(g.stored, func(r *storedRest) bool { return !on[string(r.Salt)] })
	for _, r := range g.stored {
		known[string(r.Salt)] = true
	}
	for i := range f.Rests {
		r := f.Rests[i]
		if known[string(r.Salt)] || !g.takes(r, now) {
			continue
		}
		known[string(r.Salt)] = true
		g.stored = append(g.stored, &r)
	}
	for _, p := range f.Stronger {
		g.stronger[p] = true
	}
	switch b := f.Unreadable; {
	case b != nil && now.Before(b.Until) && (g.resetAt.IsZero() || b.Since.After(g.resetAt)):
		g.blanket = &LockedOut{Parent: AnyParent, Reason: b.Reason, Since: b.Since, Until: b.Until,
			State: errors.New(b.Reason), written: true}
	case g.blanket != nil && g.blanket.written:
		g.blanket = nil // ended by "retry now" in another process
	}
}

// UnreadableStateFix is what to do about a rest that stands for a state
// file ferry could not read.
const UnreadableStateFix = "if the password is right, \"retry now\" on the status page ends the wait and ferry rewrites the file; " +
	"a file that ferry may not read or replace (made by sudo ferry ...) must be removed, or given back to the user"

// takes reports whether r, new to this Guard, is a live rest it did not
// end itself. The caller holds mu.
func (g *Guard) takes(r storedRest, now time.Time) bool {
	switch {
	case g.tomb[string(r.Salt)], !now.Before(r.Until), len(r.Salt) == 0, len(r.Fingerprint) != scryptKeyLen:
		return false
	}
	return g.resetAt.IsZero() || r.Since.After(g.resetAt)
}

// unreadableRest handles a state file that cannot be read or parsed
// (garbage, a half-written file left by a crash of an older ferry, a file
// ferry may not read). It may have held a rest, and trying the credentials
// anyway could be the second failed logon of a cool-down, so ferry rests
// every credentials at every parent until a cool-down has passed since the
// file last changed: no rest in it can last longer (a reload with a longer
// lockout_cooldown aside). A file older than that held nothing that still
// counts. The next save writes a readable file carrying that rest, so
// that the other processes keep it too. The caller holds mu.
func (g *Guard) unreadableRest(err error) {
	var se *StateFileError
	since := g.now()
	if errors.As(err, &se) && !se.ModTime.IsZero() && se.ModTime.Before(since) {
		since = se.ModTime
	}
	until := since.Add(g.cooldown)
	switch {
	case !g.now().Before(until), g.blanket != nil && !until.After(g.blanket.Until):
		return
	case !g.resetAt.IsZero() && !since.After(g.resetAt):
		return // "retry now" came after the file's last change
	}
	g.blanket = &LockedOut{Parent: AnyParent, Since: since, Until: until, State: err, Reason: err.Error()}
	g.dirty = true
	if g.log != nil {
		g.log.Warn("ferry cannot read its lockout state file and does not log on until a cool-down since its last change has passed: it may hold a rejection",
			"err", err.Error(), "until", until.Format(time.TimeOnly),
			"fix", UnreadableStateFix)
	}
}

// content is the file that save writes: every live rest this Guard knows
// (its own and those merged in), and the parents' offers.
func (g *Guard) content() guardFile {
	now := g.now()
	f := guardFile{Version: guardVersion}
	for _, l := range g.fails {
		if now.Before(l.Until) && l.fp != nil {
			f.Rests = append(f.Rests, storedRest{Parent: l.Parent, Identity: l.Identity, Reason: l.Reason,
				Since: l.Since, Until: l.Until, Salt: l.salt, Fingerprint: l.fp})
		}
	}
	for _, r := range g.stored {
		if now.Before(r.Until) {
			f.Rests = append(f.Rests, *r)
		}
	}
	slices.SortFunc(f.Rests, func(a, b storedRest) int { return a.Since.Compare(b.Since) })
	for p := range g.stronger {
		f.Stronger = append(f.Stronger, p)
	}
	slices.Sort(f.Stronger)
	if b := g.blanket; b != nil && now.Before(b.Until) {
		f.Unreadable = &storedBlanket{Reason: b.Reason, Since: b.Since, Until: b.Until}
	}
	return f
}

// writeFileAtomic writes by renaming a complete, synced temporary file
// over the state: a crash leaves the old file or the new one, never half
// of one.
func writeFileAtomic(path string, f guardFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".lockout-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600 already; Chmod says so for umasks and
	// file systems that would widen it.
	_ = tmp.Chmod(0o600)
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	// Without the sync, ext4 and others may put the rename on disk before
	// the data, and a power cut leaves an empty file.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
