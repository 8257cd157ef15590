package parent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay/failure"
)

// This file is the lockout rule, all of it on the client's side: ferry
// costs a user at most one failed logon per parent per cool-down (Active
// Directory locks an account after a few). auth.Guard only remembers: which
// credentials rest where and until when (keyed by a fingerprint of the
// secret, kept across restarts), and which parents offered a scheme
// stronger than Basic. The rule is here:
//
//  1. While the credentials rest, a request is answered at once, before
//     any dial (resting): a rest costs the parent nothing.
//  2. Until a logon has succeeded, logons take turns (lock, unlock): N apps
//     starting at once cost at most one failed logon, and the ones that
//     waited learn from the guard that it failed.
//  3. What counts as a rejection (rejected): a scheme's auth.ErrRejected
//     (the parent challenged again after ferry sent its credentials, or the
//     KDC refused the password), and tinyproxy's 401 repeating its
//     challenge (refused401.go). A site's own 407 passed on is not: one
//     without a challenge, or one site407.go tells from the parent's own
//     (a Negotiate token saying the parent accepted ferry's ticket, or a
//     head unlike the parent's own 407s). Nor is a Kerberos ticket the
//     parent could not verify while another offered scheme can answer
//     (next, in exchange.go).
//  4. A rejection rests the credentials (reject): at this parent, or at
//     every parent when the KDC refused the password.
//  5. A logon the parent accepted ends any rest and opens the turns
//     (loggedOn).
//  6. In auto mode, Basic is not sent to a parent that offered a stronger
//     scheme before (noteOffered, downgraded), and Basic over plain HTTP is
//     logged once (warnCleartext).

// rejected reports whether err is a refusal of ferry's credentials, which
// rests them.
func rejected(err error) bool { return errors.Is(err, auth.ErrRejected) }

// resting answers a request at once, before any dial, while the
// credentials rest at u (or everywhere, after the KDC refused them): a rest
// must cost the parent nothing, not a connection and a 407 per request.
func (u *Upstream) resting() error {
	a := u.cfg.Auth
	if !a.Enabled() || u.needsNoAuth() {
		return nil
	}
	if lo := u.cfg.Guard.Check(u.addr, a); lo != nil {
		return lockedError(u, lo)
	}
	return nil
}

func (u *Upstream) needsNoAuth() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.noAuth
}

// lock takes the parent's logon lock until a logon has succeeded, and
// checks the guard: a request that waited for another's logon learns here
// that it failed.
func (tr *trip) lock(ctx context.Context) error {
	u := tr.u
	if !tr.locked && !u.verified.Load() {
		select {
		case u.logon <- struct{}{}:
			tr.locked = true
		default:
			select {
			case u.logon <- struct{}{}:
				tr.locked, tr.waited = true, true
			case <-ctx.Done():
				return &failure.Error{Cause: failure.ClientGone, Peer: u.addr, What: "the app went away", Err: ctx.Err()}
			}
		}
	}
	if lo := u.cfg.Guard.Check(u.addr, u.cfg.Auth); lo != nil {
		return lockedError(u, lo)
	}
	return nil
}

// afterWait replaces the connection a request held while it waited for the
// logon turn, when the parent closed it meanwhile: Apache closes a
// connection idle after its 407 once KeepAliveTimeout (5 s by default)
// passes, and a first logon through a slow directory can take longer; the
// requests that waited then failed with parent_error, right password or
// not. A Basic or Digest header is good on any connection (Digest's nonce
// goes with it, as in answer). So is the first leg of a per-connection
// scheme (NTLM's type 1, Negotiate's first token): the turn comes before
// any leg of the handshake went out, the session holds nothing of the old
// connection (auth.ConnState is Digest's alone), and the parent's type 2
// will come on the new one. A later leg (a type 3 answering a spare's
// challenge, resume) belongs to the connection its challenge came on and
// is left as it is.
func (tr *trip) afterWait(ctx context.Context) error {
	if tr.st == nil || tr.st.scheme.PerConnection() && !tr.st.first || tr.c.alive(false) {
		return nil
	}
	c, err := tr.u.dial(ctx)
	if err != nil {
		return err
	}
	c.auth = tr.c.auth
	tr.c.Close()
	tr.c = c
	tr.t.Conn = &c.auth
	return nil
}

// Turns are the logon turns of parents (rule 2), by address, for the
// Upstreams of one configuration and of the ones a reload puts in its
// place: a reload while the first logon with a wrong password was under
// way let the new configuration's request try the same password beside it,
// two failed logons instead of one (TestReloadMidLogonCostsOneFailedLogon).
type Turns struct {
	mu    sync.Mutex
	slots map[string]chan struct{}
}

// NewTurns returns an empty set of logon turns.
func NewTurns() *Turns { return &Turns{slots: map[string]chan struct{}{}} }

// of is the one-slot semaphore of the parent at addr; a nil Turns gives a
// new one each time.
func (t *Turns) of(addr string) chan struct{} {
	if t == nil {
		return make(chan struct{}, 1)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.slots[addr]
	if !ok {
		c = make(chan struct{}, 1)
		t.slots[addr] = c
	}
	return c
}

// unlock gives the logon turn back, if tr holds it.
func (tr *trip) unlock() {
	if tr.locked {
		<-tr.u.logon
		tr.locked = false
	}
}

// loggedOn records a logon the parent accepted: the credentials rest
// nowhere now, and logons need no turns any more.
func (tr *trip) loggedOn() {
	u := tr.u
	u.cfg.Guard.Succeed(u.addr, u.cfg.Auth)
	u.doubted.Store(false)
	if !u.verified.Swap(true) {
		u.cfg.Log.Info("logged on to parent proxy", "parent", u.addr, "user", u.cfg.Auth.Identity(), "scheme", tr.st.scheme.Name())
	}
	tr.unlock()
}

// reject records a refused logon: the guard stops every further attempt
// with these credentials at this parent (at every parent, when the KDC
// refused them) for the cool-down. The log says so once per rest.
func (tr *trip) reject(err error) error {
	u := tr.u
	scheme := ""
	if tr.st != nil {
		scheme = tr.st.scheme.Name()
	}
	parent, cause := u.addr, failure.CredentialsRejected
	if errors.Is(err, auth.ErrKerberosLogonRejected) || errors.Is(err, auth.ErrKerberosUnknownUser) {
		// The KDC refused the password before anything went to the parent;
		// every parent would send the same account to the same domain.
		parent, cause = auth.AnyParent, failure.KerberosPasswordRejected
	}
	lo, fresh := u.cfg.Guard.Fail(parent, u.cfg.Auth, scheme+": "+err.Error())
	if !fresh {
		// Another request's logon failed first (or the Kerberos source
		// remembers its refusal): this is the same rest, not a new one.
		return lockedError(u, lo)
	}
	u.failedLogons.Add(1)
	u.verified.Store(false)
	what := "parent proxy rejected ferry's credentials; not trying them again until the cool-down ends"
	if cause == failure.KerberosPasswordRejected {
		what = "the Kerberos server refused ferry's password; not trying it again until the cool-down ends"
	}
	u.cfg.Log.Warn(what, "parent", u.addr, "user", u.cfg.Auth.Identity(), "scheme", scheme,
		"until", lo.Until.Format(time.TimeOnly))
	u.cfg.Notes.rejected(u, cause, lo)
	if err := u.cfg.Guard.SaveError(); err != nil {
		u.cfg.Log.Warn("the rest is not remembered across restarts", "err", err.Error())
	}
	return rejectedError(u, cause, scheme, lo, err)
}

const fixChanged = "ferry tries changed credentials at once (the config file is watched; FERRY_PASSWORD needs a restart), " +
	"and the same ones at most once every %s, so that your account is not locked"

func rejectedError(u *Upstream, cause failure.Cause, scheme string, lo *auth.LockedOut, err error) *failure.Error {
	cooldown := lo.Until.Sub(lo.Since).Round(time.Second)
	if cause == failure.KerberosPasswordRejected {
		return &failure.Error{Cause: cause, Peer: u.addr, Until: lo.Until, Err: err,
			What: fmt.Sprintf("the Kerberos server refused the password of %s; nothing was sent to parent proxy %s", u.cfg.Auth.Identity(), u.addr),
			Fix:  fmt.Sprintf("set the current password (auth.password or FERRY_PASSWORD), or run kinit and remove the password; "+fixChanged, cooldown)}
	}
	return &failure.Error{Cause: cause, Peer: u.addr, Until: lo.Until,
		What: fmt.Sprintf("parent proxy %s rejected the credentials of %s (%s)", u.addr, u.cfg.Auth.Identity(), scheme),
		Fix:  fmt.Sprintf("fix the password (auth.password, FERRY_PASSWORD, the keyring or password_command); "+fixChanged, cooldown)}
}

func lockedError(u *Upstream, lo *auth.LockedOut) *failure.Error {
	if lo.State != nil {
		return unknownRestError(u, lo)
	}
	who := "parent proxy " + u.addr
	if lo.Parent == auth.AnyParent {
		who = "the Kerberos server"
	}
	return &failure.Error{Cause: failure.LockedOut, Peer: u.addr, Until: lo.Until,
		What: fmt.Sprintf("%s rejected the credentials of %s at %s (%s); ferry is not using them until %s",
			who, u.cfg.Auth.Identity(), lo.Since.Format(time.TimeOnly), lo.Reason, lo.Until.Format(time.TimeOnly)),
		Fix: fmt.Sprintf("fix the password (auth.password, FERRY_PASSWORD, the keyring or password_command); "+fixChanged+
			"; a reload or restart with the same password does not end the rest", lo.Until.Sub(lo.Since).Round(time.Second))}
}

// unknownRestError is a logon ferry did not make because it cannot tell
// whether the credentials rest: the lockout state file, shared with ferry
// doctor and the other ferry processes, could not be read (auth.Guard's
// unreadableRest) or its lock was held too long. Trying anyway could be the
// second failed logon of a cool-down.
func unknownRestError(u *Upstream, lo *auth.LockedOut) *failure.Error {
	fix := auth.UnreadableStateFix + "; changed credentials wait too"
	var te *auth.LockTimeoutError
	if errors.As(lo.State, &te) {
		fix = "another ferry process (ferry doctor, ferry password, a second ferry run) holds the file's lock; ferry reads the file again at the next request: stop the stuck process if this persists"
	}
	return &failure.Error{Cause: failure.LockedOut, Peer: u.addr, Until: lo.Until, Err: lo.State,
		What: fmt.Sprintf("ferry did not log on to parent proxy %s as %s: %s, and it may hold a rejection of these credentials; no logon before %s",
			u.addr, u.cfg.Auth.Identity(), lo.Reason, lo.Until.Format(time.TimeOnly)),
		Fix: fix}
}

// siteProxyAuthError is a site's own 407, passed on by the parent: one
// that carries no challenge (squid, Apache and tinyproxy strip the site's
// Proxy-Authenticate, and a parent asking for ferry's credentials always
// sends one, RFC 9110 11.7.1), or one site407.go tells from the parent's.
// It is no rejection of ferry's credentials, so nothing rests.
func siteProxyAuthError(u *Upstream) *failure.Error {
	return &failure.Error{Cause: failure.SiteProxyAuth, Peer: u.addr,
		What: fmt.Sprintf("the site itself asked for proxy credentials: parent proxy %s passed on the site's own 407, not a refusal of its own", u.addr),
		Fix:  "nothing is wrong with ferry's credentials, and they are not rested; the site wants proxy credentials that no app can give through ferry"}
}

// schemeNotOffered is a 407 after ferry spoke first with the configured
// scheme, offering other schemes only: no logon took place.
func schemeNotOffered(u *Upstream, used string, offered []auth.Challenge) *failure.Error {
	return &failure.Error{Cause: failure.SchemeUnsupported, Peer: u.addr,
		What: fmt.Sprintf("parent proxy %s offers %s, not the configured scheme %s; no logon took place", u.addr, ChallengeNames(offered), used),
		Fix:  "set auth.scheme to \"auto\" or to one of the offered schemes in ferry's config"}
}

// noteOffered tells the guard what the parent offered in a 407, for
// downgraded.
func (u *Upstream) noteOffered(offered []auth.Challenge) {
	u.cfg.Guard.NoteOffered(u.addr, offered)
}

// downgraded reports whether, in auto mode, the parent offers only Basic
// now after offering a stronger scheme before: a misconfigured or spoofed
// proxy would harvest the password in clear.
func (u *Upstream) downgraded(offered []auth.Challenge) bool {
	if u.cfg.Auth.Fixed() != nil || !u.cfg.Guard.OfferedStronger(u.addr) {
		return false
	}
	return !slices.ContainsFunc(offered, func(c auth.Challenge) bool {
		return c.Scheme == auth.SchemeNegotiate || c.Scheme == auth.SchemeNTLM || c.Scheme == auth.SchemeDigest
	})
}

func downgradeError(u *Upstream) *failure.Error {
	return &failure.Error{Cause: failure.AuthDowngrade, Peer: u.addr,
		What: fmt.Sprintf("parent proxy %s offered Negotiate, NTLM or Digest before and now offers only Basic, which would send the password in clear; ferry did not send it", u.addr),
		Fix:  "check that you are on the corporate network and that this is the real proxy; if Basic is intended, set auth.scheme = \"basic\""}
}

// warnCleartext logs once per parent that Basic sends the password in
// clear: ferry speaks plain HTTP to parents.
func (u *Upstream) warnCleartext(s auth.Scheme) {
	if s.Name() == auth.SchemeBasic && u.cfg.Guard.FirstCleartext(u.addr) {
		u.cfg.Log.Warn("sending the password to the parent proxy with Basic over plain HTTP: anyone on the network path can read it",
			"parent", u.addr, "user", u.cfg.Auth.Identity())
	}
}
