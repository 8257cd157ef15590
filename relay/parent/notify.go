package parent

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/failure"
)

// This file holds the events an Upstream reports through Config.Notes, for
// a desktop notification: what the user must act on though no app shows
// it (a build tool prints a 502 and moves on).

// EventKind is what happened; the words are ferry doctor's verdicts.
type EventKind string

const (
	// EventCredentialsRejected: a parent refused ferry's credentials and
	// they rest for the cool-down.
	EventCredentialsRejected EventKind = msg.CredentialsRejected
	// EventKerberosPasswordRejected: the KDC refused the password; they
	// rest at every parent.
	EventKerberosPasswordRejected EventKind = msg.KerberosPasswordRejected
	// EventKerberosNoTicket: a parent wants Kerberos, the ticket cache has
	// no valid ticket (none, or expired) and there is no password to get
	// one.
	EventKerberosNoTicket EventKind = msg.KerberosNoTicket
	// EventSSOUnavailable: Windows single sign-on (SSPI) got no
	// credentials from Windows for a parent that wants a logon, and there
	// is no password (auth.ErrSSOUnavailable).
	EventSSOUnavailable EventKind = msg.SSOUnavailable
)

// Event is one report for Notes' function. It carries no secret.
type Event struct {
	Kind EventKind
	// Parent is the parent proxy's host:port ("" for
	// EventKerberosPasswordRejected: the KDC refused, for every parent).
	Parent string
	// User is the identity ferry logs on as (auth.Authenticator.Identity).
	User string
	// Until is when the rest ends (zero for EventKerberosNoTicket and
	// EventSSOUnavailable: nothing rests, the OS has no credentials).
	Until time.Time
}

// Notes sends the events of the Upstreams that share it to a function
// (a desktop notification). Its memory of reported missing OS credentials
// (a Kerberos ticket, Windows single sign-on) passes from one Notes to the
// next (NewNotes' prev), so that a reload does not report them again.
type Notes struct {
	fn      func(Event)
	missing *atomic.Bool // missing OS credentials were reported; nothing was served since
}

// NewNotes sends events to fn, remembering what prev (nil at start) reported.
func NewNotes(fn func(Event), prev *Notes) *Notes {
	n := &Notes{fn: fn, missing: new(atomic.Bool)}
	if prev != nil {
		n.missing = prev.missing
	}
	return n
}

// rejected reports a new rest (reject calls it only for a fresh one: a
// second request, a reload or a restart within the rest gets none).
func (n *Notes) rejected(u *Upstream, cause failure.Cause, lo *auth.LockedOut) {
	if n == nil {
		return
	}
	e := Event{Kind: EventCredentialsRejected, Parent: u.addr, User: u.cfg.Auth.Identity(), Until: lo.Until}
	if cause == failure.KerberosPasswordRejected {
		e.Kind, e.Parent = EventKerberosPasswordRejected, ""
	}
	n.send(e)
}

// failed reports a request refused for want of credentials the OS should
// give (a Kerberos ticket, Windows single sign-on), once until a request is
// served again (served): one note per episode, however many requests and
// reloads meet it.
func (n *Notes) failed(u *Upstream, e *failure.Error) {
	if n == nil {
		return
	}
	var kind EventKind
	switch {
	case errors.Is(e.Err, auth.ErrKerberosNoTicket), errors.Is(e.Err, auth.ErrKerberosTicketExpired):
		kind = EventKerberosNoTicket
	case errors.Is(e.Err, auth.ErrSSOUnavailable):
		kind = EventSSOUnavailable
	default:
		return
	}
	if n.missing.Swap(true) {
		return
	}
	n.send(Event{Kind: kind, Parent: u.addr, User: u.cfg.Auth.Identity()})
}

// served notes that a request got through: later missing credentials are
// a new episode.
func (n *Notes) served() {
	if n != nil {
		n.missing.Store(false)
	}
}

func (n *Notes) send(e Event) {
	if n.fn != nil {
		n.fn(e)
	}
}
