package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Guard remembers rejected logons so that ferry never costs a user more
// than one failed logon per parent per cool-down: Active Directory locks an
// account after a few (commonly 5 to 10), and every request retried with a
// wrong password would count.
//
// A rest belongs to the credentials, not to a configuration: it is keyed by
// parent, identity and a fingerprint of the secret, so a reload or restart
// with the same password keeps it, and a changed password (config, keyring,
// FERRY_PASSWORD, password_command, hashes, keytab) is tried at once. With a
// state file (OpenGuard) rests survive restarts and are shared with the
// user's other ferry processes (guardfile.go, guardlock.go); the file holds
// only a salted scrypt of the secret, never the secret.
//
// The Guard also remembers, per parent, whether the parent ever offered a
// scheme stronger than Basic, so that ferry in auto mode does not send a
// cleartext password to a parent that suddenly offers only Basic.
//
// The Guard only remembers; the rule that uses it (when to check, what
// counts as a rejection, one logon at a time) is relay/parent/guard.go.
type Guard struct {
	cooldown time.Duration
	now      func() time.Time
	// mac keys the in-memory fingerprints; it never leaves the process, so
	// a fast HMAC is enough there (the file uses scrypt).
	mac  []byte
	path string     // the state file; "" keeps everything in memory
	lk   *stateLock // its lock and change counter (guardlock.go)
	// rests counts fails, stored and blanket, so that Check, called for
	// every request, costs one atomic load while nothing rests (and one
	// read of the change counter with a state file).
	rests atomic.Int64
	log   *slog.Logger

	mu       sync.Mutex
	fails    map[string]LockedOut
	stored   []*storedRest   // rests read from the file, not yet matched to credentials
	stronger map[string]bool // parents that offered Negotiate, NTLM or Digest
	warned   map[string]bool // parents warned about Basic over plain HTTP
	saveErr  error           // the last failure to write the file
	// The state file's side (guardfile.go).
	blanket *LockedOut      // every credentials rest: the file could not be read
	fileErr error           // why the file could not be read at its last read
	seen    uint64          // the change counter at the last read or write
	dirty   bool            // a change is not in the file yet
	retryAt time.Time       // when a dirty Guard tries to write again
	tomb    map[string]bool // salts of rests ended here, not yet written
	resetAt time.Time       // "retry now" not yet written: rests since before it end
	// beforeWrite runs between the read and the write of a save (tests).
	beforeWrite func()
}

// AnyParent is the parent of a rest that holds everywhere: the KDC refused
// the password, and every parent would send the same account to the same
// domain.
const AnyParent = ""

// LockedOut is the error for credentials resting after a rejection.
type LockedOut struct {
	Key      string
	Parent   string // AnyParent when the KDC refused the password
	Identity string
	Reason   string // what the parent said, for the message
	Since    time.Time
	Until    time.Time

	// State is set when the rest stands for a state file ferry could not
	// read or lock (Reason says why): it holds for every credentials at
	// every parent.
	State error

	salt, fp []byte // the on-disk fingerprint, when the Guard has a file
	written  bool   // in the state file
}

func (e *LockedOut) Error() string {
	if e.State != nil {
		return fmt.Sprintf("ferry does not log on before %s: %s", e.Until.Format(time.TimeOnly), e.Reason)
	}
	return fmt.Sprintf("credentials were rejected at %s; ferry will not try them again before %s (%s)",
		e.Since.Format(time.TimeOnly), e.Until.Format(time.TimeOnly), e.Reason)
}

// Unwrap makes errors.Is(err, ErrRejected) true.
func (e *LockedOut) Unwrap() error { return ErrRejected }

// NewGuard returns a Guard that keeps its state in memory; cooldown zero
// means DefaultLockoutCooldown and now nil means time.Now.
func NewGuard(cooldown time.Duration, now func() time.Time) *Guard {
	if cooldown <= 0 {
		cooldown = DefaultLockoutCooldown
	}
	if now == nil {
		now = time.Now
	}
	mac := make([]byte, 32)
	_, _ = rand.Read(mac)
	return &Guard{cooldown: cooldown, now: now, mac: mac, fails: map[string]LockedOut{},
		stronger: map[string]bool{}, warned: map[string]bool{}, tomb: map[string]bool{}}
}

// SetLogger has the Guard log what it finds wrong with its state file.
func (g *Guard) SetLogger(l *slog.Logger) {
	g.mu.Lock()
	g.log = l
	g.mu.Unlock()
}

// count updates rests; every change of fails, stored or blanket ends with
// it. The caller holds mu.
func (g *Guard) count() {
	n := len(g.fails) + len(g.stored)
	if g.blanket != nil {
		n++
	}
	g.rests.Store(int64(n))
}

// SetCooldown changes the cool-down of rests recorded from now on (a
// reload with another auth.lockout_cooldown); zero means the default.
func (g *Guard) SetCooldown(d time.Duration) {
	if d <= 0 {
		d = DefaultLockoutCooldown
	}
	g.mu.Lock()
	g.cooldown = d
	g.mu.Unlock()
}

// GuardKey identifies one set of credentials at one parent; fingerprint
// tells secrets of the same identity apart.
func GuardKey(parent, identity, fingerprint string) string {
	return parent + "\x00" + identity + "\x00" + fingerprint
}

// fingerprint is the in-memory fingerprint of a's secret.
func (g *Guard) fingerprint(a *Authenticator) string {
	m := hmac.New(sha256.New, g.mac)
	m.Write(a.secretMaterial())
	return hex.EncodeToString(m.Sum(nil))
}

// Check returns the rest that keeps a's credentials from parent (or from
// every parent), or nil when they may be tried. With a state file it first
// reads what other processes recorded since it last looked (one read of
// the change counter when nothing changed), so it is the check to make
// right before a logon.
func (g *Guard) Check(parent string, a *Authenticator) *LockedOut {
	if g.lk != nil {
		g.mu.Lock()
		lo := g.refresh()
		g.mu.Unlock()
		if lo != nil {
			return lo
		}
	}
	if g.rests.Load() == 0 {
		return nil
	}
	fp := g.fingerprint(a)
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if b := g.blanket; b != nil {
		if now.Before(b.Until) {
			lo := *b
			return &lo
		}
		g.blanket = nil
		g.count()
	}
	for _, p := range []string{parent, AnyParent} {
		key := GuardKey(p, a.Identity(), fp)
		g.adopt(p, a, key, fp, now)
		f, ok := g.fails[key]
		if !ok {
			continue
		}
		if !now.Before(f.Until) {
			// Ended by time everywhere: nothing to write.
			delete(g.fails, key)
			g.count()
			continue
		}
		return &f
	}
	return nil
}

// Fail records a rejection of a's credentials at parent (AnyParent for the
// KDC) and returns the rest. fresh is false when the credentials were
// resting already: the rest keeps its end, so that the log says it once and
// its end does not move.
func (g *Guard) Fail(parent string, a *Authenticator, reason string) (lo *LockedOut, fresh bool) {
	fp := g.fingerprint(a)
	var salt, disk []byte
	if g.path != "" {
		salt, disk = newDiskFingerprint(a.secretMaterial())
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	key := GuardKey(parent, a.Identity(), fp)
	now := g.now()
	if f, ok := g.fails[key]; ok && now.Before(f.Until) {
		return &f, false
	}
	f := LockedOut{Key: key, Parent: parent, Identity: a.Identity(), Reason: reason,
		Since: now, Until: now.Add(g.cooldown), salt: salt, fp: disk}
	g.fails[key] = f
	g.save()
	return &f, true
}

// Succeed clears a's rests at parent after a successful logon.
func (g *Guard) Succeed(parent string, a *Authenticator) {
	fp := g.fingerprint(a)
	g.mu.Lock()
	defer g.mu.Unlock()
	ended := false
	for _, key := range []string{GuardKey(parent, a.Identity(), fp), GuardKey(AnyParent, a.Identity(), fp)} {
		if l, ok := g.fails[key]; ok {
			delete(g.fails, key)
			if l.salt != nil {
				g.tomb[string(l.salt)] = true
			}
			ended = true
		}
	}
	if ended {
		g.save()
	}
}

// Reset forgets every rejection: the user says the password is right now
// ("retry now" on the status page). With a state file it forgets those
// every other process recorded until now too.
func (g *Guard) Reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	clear(g.fails)
	g.stored = nil
	g.blanket = nil
	g.resetAt = g.now()
	g.save()
}

// Snapshot lists the keys cooling down, for the status page and doctor.
func (g *Guard) Snapshot() []LockedOut {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	var out []LockedOut
	if b := g.blanket; b != nil && now.Before(b.Until) {
		out = append(out, *b)
	}
	for _, f := range g.fails {
		if now.Before(f.Until) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b LockedOut) int { return a.Since.Compare(b.Since) })
	return out
}

// NoteOffered records what parent offered in a 407, and reports whether it
// offered a scheme stronger than Basic.
func (g *Guard) NoteOffered(parent string, offered []Challenge) bool {
	strong := slices.ContainsFunc(offered, func(c Challenge) bool { return strongerThanBasic(c.Scheme) })
	if !strong {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.stronger[parent] {
		g.stronger[parent] = true
		g.save()
	}
	return true
}

// OfferedStronger reports whether parent ever offered Negotiate, NTLM or
// Digest (in this run, or in an earlier one when the Guard has a file).
func (g *Guard) OfferedStronger(parent string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stronger[parent]
}

// FirstCleartext reports whether this is the first time Basic goes to
// parent in this run, so the warning about it is logged once per parent.
func (g *Guard) FirstCleartext(parent string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.warned[parent] {
		return false
	}
	g.warned[parent] = true
	return true
}

// SaveError is the last failure to write the state file, or nil.
// A change that could not be written is written at a later Check.
func (g *Guard) SaveError() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.saveErr
}

func strongerThanBasic(scheme string) bool {
	switch scheme {
	case SchemeNegotiate, SchemeNTLM, SchemeDigest:
		return true
	}
	return false
}
