package auth

import (
	"fmt"
	"sync"
	"time"
)

// Guard remembers rejected logons so that ferry never costs a user more
// than one failed logon per parent per cool-down: Active Directory locks an
// account after a few, and every request retried with a wrong password would
// count.
type Guard struct {
	cooldown time.Duration
	now      func() time.Time

	mu    sync.Mutex
	fails map[string]LockedOut
}

// LockedOut is the error for credentials resting after a rejection.
type LockedOut struct {
	Key    string
	Reason string // what the parent said, for the message
	Since  time.Time
	Until  time.Time
}

func (e *LockedOut) Error() string {
	return fmt.Sprintf("credentials were rejected at %s; ferry will not try them again before %s (%s)",
		e.Since.Format(time.TimeOnly), e.Until.Format(time.TimeOnly), e.Reason)
}

// Unwrap makes errors.Is(err, ErrRejected) true.
func (e *LockedOut) Unwrap() error { return ErrRejected }

// NewGuard returns a Guard; cooldown zero means DefaultLockoutCooldown and
// now nil means time.Now.
func NewGuard(cooldown time.Duration, now func() time.Time) *Guard {
	if cooldown <= 0 {
		cooldown = DefaultLockoutCooldown
	}
	if now == nil {
		now = time.Now
	}
	return &Guard{cooldown: cooldown, now: now, fails: map[string]LockedOut{}}
}

// GuardKey identifies one set of credentials at one parent.
func GuardKey(parent, identity, scheme string) string {
	return parent + "\x00" + identity + "\x00" + scheme
}

// Check returns a *LockedOut while key is cooling down, else nil.
func (g *Guard) Check(key string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, ok := g.fails[key]
	if !ok {
		return nil
	}
	if !g.now().Before(f.Until) {
		delete(g.fails, key)
		return nil
	}
	return &f
}

// Fail records a rejection and returns the resulting *LockedOut.
func (g *Guard) Fail(key, reason string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	f := LockedOut{Key: key, Reason: reason, Since: now, Until: now.Add(g.cooldown)}
	g.fails[key] = f
	return &f
}

// Succeed clears key after a successful logon.
func (g *Guard) Succeed(key string) {
	g.mu.Lock()
	delete(g.fails, key)
	g.mu.Unlock()
}

// Reset forgets every rejection: the config was reloaded or the credentials
// changed.
func (g *Guard) Reset() {
	g.mu.Lock()
	clear(g.fails)
	g.mu.Unlock()
}

// Snapshot lists the keys cooling down, for the status page and doctor.
func (g *Guard) Snapshot() []LockedOut {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	var out []LockedOut
	for _, f := range g.fails {
		if now.Before(f.Until) {
			out = append(out, f)
		}
	}
	return out
}
