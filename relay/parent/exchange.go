package parent

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/neterr"
	"github.com/ferryproxy/ferry/internal/rawio"
	"github.com/ferryproxy/ferry/relay/failure"
)

// maxLegs bounds the legs of one exchange: an unauthenticated first
// contact, NTLM's two legs, and one stale Digest nonce fit with room to spare.
const maxLegs = 6

// maxDrain is the largest 407 body ferry reads to keep the connection for
// the next leg (squid's is about 3 KB).
const maxDrain = 1 << 20

// trip is one request's way through one parent: the connection it holds,
// the exchange in progress on it, and whether it holds the parent's logon
// lock.
type trip struct {
	u       *Upstream
	o       *Request
	c       *Conn
	t       auth.Target
	st      *sessionState
	locked  bool
	waited  bool // lock waited for another request's logon (afterWait)
	restart int  // handshakes restarted because the parent closed mid-way
	fresh   bool // the next leg needs a new connection (a scheme switch)
	// challenged means the parent answered a leg of this trip with a 407,
	// so the next header answers a challenge that is fresh.
	challenged bool
	asked      []auth.Challenge // what the parent's last 407 offered
	// inLogon: this trip counts in Upstream.spare.logons (spare.go).
	inLogon bool
	// spareLeg: the leg under way answers the challenge a spare held
	// (resume); its 407 may say the parent forgot it (forgotChallenge).
	spareLeg bool
}

// staleConnError means a reused pooled connection failed before the parent
// answered anything: the parent closed it while idle, so the request may be
// sent again on a fresh connection.
type staleConnError struct{ err error }

func (e *staleConnError) Error() string {
	return "pooled connection was closed by the parent: " + e.err.Error()
}
func (e *staleConnError) Unwrap() error { return e.err }

// Do sends o to the parent, authenticating as needed, and returns the
// parent's final response with the connection it came on: the relay's
// RoundTrip, which passes responses on as they come (a CONNECT's refusal,
// a 101). The caller reads the body and hands the connection back with Put
// (or closes it, or keeps it for a tunnel). Errors are mostly
// *failure.Error; with Elsewhere set the request may go to another parent.
func (u *Upstream) Do(ctx context.Context, o *Request) (*http.Response, *Conn, error) {
	u.requests.Add(1)
	if err := u.resting(); err != nil {
		return nil, nil, err
	}
	u.noteSpareLeg(o)
	tr := &trip{u: u, o: o, t: auth.Target{Proxy: u.host, Method: o.method, URI: o.target}}
	defer tr.unlock()
	defer tr.endLogon()
	var stale *staleConnError
	relogged := false
	for attempt := 0; ; attempt++ {
		c, err := u.get(ctx, o.body.fitsReplay(), stale != nil)
		if err != nil {
			return nil, nil, u.failed(err, o)
		}
		tr.c, tr.st = c, nil
		resp, err := tr.run(ctx)
		if err == nil {
			u.markUp(true)
			return resp, tr.c, nil
		}
		var fe *failure.Error
		if errors.As(err, &fe) && fe.Cause == failure.SiteProxyAuth && !tr.c.broken {
			// The site's 407 was read whole and the parent keeps the
			// connection, logged on: the next request needs no new logon.
			answered := tr.c.answered
			u.Put(tr.c)
			u.refusedWith(err, answered)
			return nil, nil, u.failed(err, o)
		}
		tr.c.Close()
		stale = nil
		var lost *lostChallengeError
		if errors.As(err, &lost) {
			if !relogged && o.body.replayable() {
				// No logon took place: log on again, once, on a connection
				// that holds no challenge from before.
				relogged = true
				u.challengeLost()
				continue
			}
			err = lost.failure()
		}
		if errors.As(err, &stale) && tr.c.idleAtReuse < freshIdle {
			u.learnDropsIdle()
		}
		if stale != nil && attempt < 3 && o.body.replayable() {
			u.cfg.Log.Debug("retrying on a fresh connection", "parent", u.addr, "err", err)
			continue
		}
		if stale != nil {
			err = &failure.Error{Cause: failure.ParentError, Peer: u.addr, What: "parent proxy " + u.addr + " closed the connection before answering", Err: stale.err,
				Fix: "try again; if it keeps happening, the parent proxy may be overloaded"}
		} else {
			u.refusedWith(err, tr.c.answered)
		}
		return nil, nil, u.failed(err, o)
	}
}

// failed marks the parent down when err says it is dead, and lets the
// request go on Elsewhere when that is safe: nothing came back, and the
// body (if any) can be sent again.
func (u *Upstream) failed(err error, o *Request) error {
	var e *failure.Error
	if !errors.As(err, &e) || !deadParent(e) {
		return err
	}
	u.markDown(e)
	e.Elsewhere = o.body.replayable()
	return e
}

// run carries the exchange on tr.c (which it may replace when the parent
// closes the connection between legs).
func (tr *trip) run(ctx context.Context) (*http.Response, error) {
	a := tr.u.cfg.Auth
	header, carry := "", true
	if p := tr.c.pending; p != nil {
		// A spare past NTLM's type 1 leg: this request carries the type 3.
		tr.c.pending = nil
		var err error
		if header, carry, err = tr.resume(p); err != nil {
			return nil, err
		}
	} else if a.Enabled() && (!tr.c.authed || tr.u.perRequest.Load()) {
		s, offered, noAuth := tr.u.preferred()
		switch {
		case s != nil:
			var err error
			header, carry, err = tr.open(s, offered)
			if err != nil {
				return nil, err
			}
		case !noAuth && tr.o.body != nil && !tr.o.body.fitsReplay():
			// First contact with a body too large to send twice: learn
			// what the parent wants with a HEAD first, which is harmless if
			// the parent needs no credentials after all.
			var err error
			header, carry, err = tr.probe(ctx)
			if err != nil {
				return nil, err
			}
		}
	}
	for range maxLegs {
		resp, err := tr.send(ctx, tr.o, header, carry)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && header != "" && tr.refusedWith401(resp) {
			// tinyproxy refuses wrong credentials so: a failed logon.
			tr.c.Close()
			resp.Body.Close()
			return nil, tr.reject(fmt.Errorf("the parent answered 401 repeating its %s challenge", tr.st.scheme.Name()))
		}
		if resp.StatusCode != http.StatusProxyAuthRequired {
			tr.succeeded()
			return resp, nil
		}
		header, carry, err = tr.answer(ctx, resp, carry)
		if err != nil {
			return nil, err
		}
	}
	return nil, &failure.Error{Cause: failure.ParentError, Peer: tr.u.addr,
		What: fmt.Sprintf("parent proxy %s kept asking for credentials after %d attempts", tr.u.addr, maxLegs),
		Fix:  "check auth.scheme in ferry's config; run 'ferry doctor' to see what the parent offers"}
}

// probe sends a HEAD for the same URL without credentials.
func (tr *trip) probe(ctx context.Context) (string, bool, error) {
	resp, err := tr.send(ctx, tr.o.head(), "", false)
	if err != nil {
		return "", false, err
	}
	if resp.StatusCode != http.StatusProxyAuthRequired {
		resp.Body.Close()
		tr.u.setNoAuth()
		return "", true, nil
	}
	return tr.answer(ctx, resp, false)
}

// answer handles a 407: drains it, and computes the next leg.
func (tr *trip) answer(ctx context.Context, resp *http.Response, carried bool) (string, bool, error) {
	closed := resp.Close
	reusable := drain(tr.c, resp, tr.u.cfg.ResponseHeaderTimeout)
	offered := auth.ParseChallenges(resp.Header.Values("Proxy-Authenticate"))
	if tr.forgotChallenge(closed, resp.Header.Get("X-Squid-Error") != "", offered) {
		return "", false, &lostChallengeError{parent: tr.u.addr}
	}
	tr.spareLeg = false
	if len(offered) == 0 {
		if tr.st != nil && tr.st.sent {
			// The parent let the request through to the site with ferry's
			// credentials: the logon worked, as the status page says.
			tr.succeeded()
		}
		return "", false, siteProxyAuthError(tr.u)
	}
	if tr.parentsOwn407() {
		tr.u.noteOwn407(resp.Header)
	} else if site, accepted := tr.siteAsked(ctx, resp.Header, offered); site {
		// A site's 407 with a challenge the parent passed on: the
		// parent forwarded the request. Its challenge is the site's,
		// not what the parent offers.
		if accepted {
			tr.succeeded()
		}
		return "", false, siteProxyAuthError(tr.u)
	}
	tr.u.learn(offered)
	tr.u.noteOffered(offered)
	tr.challenged, tr.asked = true, offered
	tr.learnPerRequest(offered)
	a := tr.u.cfg.Auth
	if !a.Enabled() {
		return "", false, &failure.Error{Cause: failure.CredentialsMissing, Peer: tr.u.addr, Offered: schemeNames(offered),
			What: fmt.Sprintf("parent proxy %s asks for credentials (%s) and ferry has none", tr.u.addr, ChallengeNames(offered)),
			Fix:  "set auth.user and auth.password (or FERRY_PASSWORD) in ferry's config, or " + auth.OSSingleSignOn.Fix}
	}
	if carried && tr.o.body != nil && !tr.o.body.replayable() {
		return "", false, &failure.Error{Cause: failure.BodyNotReplayable, Peer: tr.u.addr,
			What: fmt.Sprintf("parent proxy %s asked for credentials again after the request body was sent, and the body is too large to send twice", tr.u.addr),
			Fix: "retry the request. The parent asked only after taking the body, though ferry lets it ask first (Expect: 100-continue) " +
				"where a body cannot be sent twice; if it keeps happening, run 'ferry doctor' and tell ferry's maintainers which proxy this is"}
	}
	header, final, err := tr.next(offered)
	if err != nil {
		return "", false, err
	}
	if !reusable || tr.fresh {
		tr.fresh = false
		tr.c.Close()
		c, err := tr.u.dial(ctx)
		if err != nil {
			return "", false, err
		}
		// The header just computed goes on the new connection: so does
		// the state it was computed with (its Digest nonce and count).
		c.auth = tr.c.auth
		tr.c = c
		if tr.st != nil && tr.st.sent && tr.st.scheme.PerConnection() {
			// The parent closed the connection that its challenge belongs
			// to: start the handshake again on the new one.
			tr.restart++
			if tr.restart > 2 {
				return "", false, &failure.Error{Cause: failure.ParentError, Peer: tr.u.addr,
					What: fmt.Sprintf("parent proxy %s closes the connection in the middle of the %s handshake", tr.u.addr, tr.st.scheme.Name()),
					Fix:  "set auth.scheme to \"basic\" or \"digest\" if the parent offers them, or ask the proxy's administrators"}
			}
			return tr.start(tr.st.scheme, nil)
		}
	}
	return header, final, nil
}

// open starts an exchange on a new connection with the scheme that worked
// before, falling back to the others the parent offered when it has no
// credentials now (no Kerberos ticket).
func (tr *trip) open(s auth.Scheme, offered []auth.Challenge) (string, bool, error) {
	header, final, err := tr.start(s, nil)
	if err == nil || len(offered) == 0 || rejected(err) {
		return header, final, err
	}
	tr.u.cfg.Log.Debug("scheme unavailable, trying the next one", "parent", tr.u.addr, "scheme", s.Name(), "err", err)
	header, final, cerr := tr.choose(offered, s)
	var ce *failure.Error
	if errors.As(cerr, &ce) && ce.Cause == failure.SchemeUnsupported {
		// Nothing else to fall back on: why the scheme that worked before
		// cannot answer now (a Kerberos ticket that expired while ferry
		// ran) is the cause, not the offer.
		return "", false, err
	}
	if cerr == nil {
		tr.u.fellBack(s.Name(), tr.st.scheme.Name(), err)
	}
	return header, final, cerr
}

// fellBack logs, once per parent, that ferry answers with another scheme
// than the strongest offered because that one has no credentials now.
func (u *Upstream) fellBack(from, to string, err error) {
	if u.warnedFallback.Swap(true) {
		return
	}
	u.cfg.Log.Warn("cannot use "+from+" with parent proxy "+u.addr+"; using "+to+" instead", "parent", u.addr, "err", err.Error())
}

// start begins a session of scheme s; ch is the challenge, if one came.
func (tr *trip) start(s auth.Scheme, ch *auth.Challenge) (string, bool, error) {
	sess, err := s.NewSession(tr.u.host)
	if err != nil {
		return "", false, tr.authError(s, err)
	}
	tr.st = &sessionState{scheme: s, session: sess, challenged: ch != nil, first: ch == nil || ch.Token == ""}
	tr.t.Conn = &tr.c.auth
	if ch == nil && !s.PerConnection() && !tr.u.verified.Load() {
		// Until a logon has succeeded here, Basic and Digest wait for the
		// parent's challenge: a Digest header built on a nonce another
		// connection got may be refused for the nonce and retried, which
		// with a wrong password would cost two failed logons instead of one.
		return "", false, nil
	}
	st, err := sess.Step(tr.t, nil)
	if errors.Is(err, auth.ErrNeedChallenge) {
		if ch == nil {
			// The parent will challenge: send the first leg without the body.
			return "", false, nil
		}
		st, err = sess.Step(tr.t, ch)
	}
	if err != nil {
		return "", false, tr.authError(s, err)
	}
	tr.u.warnCleartext(s)
	if !st.Final {
		tr.beginLogon()
	}
	return st.Header, st.Final, nil
}

// choose picks the strongest offered scheme that ferry can answer, skipping
// skip and any that has no credentials now.
func (tr *trip) choose(offered []auth.Challenge, skip auth.Scheme) (string, bool, error) {
	a := tr.u.cfg.Auth
	var lastErr error
	skipped := "" // the first scheme that could not answer
	downgraded := tr.u.downgraded(offered)
	for _, cand := range a.Candidates(offered) {
		if cand.Scheme == skip {
			continue
		}
		if downgraded && cand.Scheme.Name() == auth.SchemeBasic {
			lastErr = downgradeError(tr.u)
			continue
		}
		header, final, err := tr.start(cand.Scheme, &cand.Challenge)
		if err == nil {
			if lastErr != nil {
				tr.u.fellBack(skipped, cand.Scheme.Name(), lastErr)
			}
			return header, final, nil
		}
		if rejected(err) {
			return "", false, err
		}
		tr.u.cfg.Log.Debug("scheme unavailable, trying the next one", "parent", tr.u.addr, "scheme", cand.Scheme.Name(), "err", err)
		if lastErr == nil {
			skipped = cand.Scheme.Name()
		}
		lastErr = err
	}
	if lastErr != nil {
		return "", false, lastErr
	}
	if a.Identity() == "" && !slices.ContainsFunc(offered, func(c auth.Challenge) bool { return c.Scheme == auth.SchemeNegotiate }) {
		// No user at all, only the chance of a Kerberos ticket, and the
		// parent does not take Kerberos: ferry has no credentials for it,
		// which is what to tell, not which schemes ferry could speak.
		return "", false, &failure.Error{Cause: failure.CredentialsMissing, Peer: tr.u.addr, Offered: schemeNames(offered),
			What: fmt.Sprintf("parent proxy %s asks for credentials (%s) and ferry has no user configured", tr.u.addr, ChallengeNames(offered)),
			Fix:  "set auth.user (and auth.domain for NTLM) and the password (FERRY_PASSWORD), or run 'ferry init'"}
	}
	return "", false, &failure.Error{Cause: failure.SchemeUnsupported, Peer: tr.u.addr, Offered: schemeNames(offered),
		What: fmt.Sprintf("parent proxy %s offers %s, and ferry has credentials only for %s", tr.u.addr, ChallengeNames(offered), namesOr(a.Names())),
		Fix:  "configure credentials for one of the offered schemes (auth.user and auth.password cover NTLM, Digest and Basic; Negotiate needs a Kerberos ticket or auth.realm)"}
}

// next computes the leg that answers a 407.
func (tr *trip) next(offered []auth.Challenge) (string, bool, error) {
	if tr.st == nil {
		return tr.choose(offered, nil)
	}
	i := slices.IndexFunc(offered, func(c auth.Challenge) bool { return c.Scheme == tr.st.scheme.Name() })
	if i < 0 {
		// No challenge for the scheme ferry used: no logon was refused.
		if !tr.st.sent {
			return tr.choose(offered, nil)
		}
		if tr.u.cfg.Auth.Fixed() != nil {
			return "", false, schemeNotOffered(tr.u, tr.st.scheme.Name(), offered)
		}
		// Auto mode: the parent changed its schemes; answer what it offers now.
		tr.fresh = tr.st.scheme.PerConnection()
		return tr.choose(offered, tr.st.scheme)
	}
	tr.t.Conn = &tr.c.auth
	tr.st.challenged, tr.st.first = true, false
	st, err := tr.st.session.Step(tr.t, &offered[i])
	if errors.Is(err, auth.ErrKerberosTicketRefused) {
		// The parent could not verify the ticket (a stale keytab, a clock
		// apart from the KDC's). That is no failed logon on the account,
		// so it does not trip the guard; a browser would go on with NTLM
		// when offered, and so does ferry.
		refused := tr.st
		if header, final, cerr := tr.choose(offered, refused.scheme); cerr == nil {
			tr.u.cfg.Log.Warn("parent proxy refused ferry's Kerberos ticket; using "+tr.st.scheme.Name()+" instead",
				"parent", tr.u.addr, "err", err.Error())
			// squid keeps the failed Negotiate state on the connection
			// and will not start NTLM there.
			tr.fresh = true
			return header, final, nil
		}
		tr.st = refused
	}
	if err != nil {
		return "", false, tr.authError(tr.st.scheme, err)
	}
	return st.Header, st.Final, nil
}

// authError turns a scheme's error into a failure.Error; a rejection trips
// the guard (guard.go).
func (tr *trip) authError(s auth.Scheme, err error) error {
	if rejected(err) {
		return tr.reject(err)
	}
	cause, fix := failure.Kerberos, "check the Kerberos setup: run 'klist' and 'kinit', and 'ferry doctor'"
	if errors.Is(err, auth.ErrNoCredentials) {
		cause = failure.CredentialsMissing
		fix = "set auth.user and auth.password (or FERRY_PASSWORD), or " + auth.OSSingleSignOn.Fix
	} else if s.Name() != auth.SchemeNegotiate {
		cause, fix = failure.ParentError, "run 'ferry doctor' to see what the parent sends"
	}
	return failure.Auth(&failure.Error{Cause: cause, Peer: tr.u.addr, What: fmt.Sprintf("cannot answer parent proxy %s with %s", tr.u.addr, s.Name()), Err: err, Fix: fix})
}

// succeeded records a leg that the parent accepted.
func (tr *trip) succeeded() {
	u := tr.u
	if tr.st == nil || !tr.st.sent {
		if tr.c.authed {
			u.bound.Store(true)
		} else {
			// Also without credentials configured: the status page says
			// "ok" for a parent that served a request, from this alone.
			u.setNoAuth()
		}
		return
	}
	u.setChosen(tr.st.scheme)
	if tr.st.scheme.PerConnection() && !u.perRequest.Load() {
		tr.c.authed = true
		u.handshakes.Add(1)
	}
	tr.loggedOn()
}

// send writes one leg and reads the parent's answer to it.
func (tr *trip) send(ctx context.Context, o *Request, header string, carry bool) (*http.Response, error) {
	if header != "" {
		if err := tr.lock(ctx); err != nil {
			return nil, err
		}
		if tr.waited {
			tr.waited = false
			if err := tr.afterWait(ctx); err != nil {
				return nil, err
			}
		}
		tr.st.sent, tr.st.final, tr.st.first = true, carry, false
	}
	c := tr.c
	if c.watch == nil && (!c.reused && !c.answered || c.spareFirst) {
		c.spareFirst = false
		c.watch = tr.u.watchFirstAnswer(c)
	}
	o.expect = carry && o.body != nil && !o.body.fitsReplay() && tr.guarded(header)
	werr := o.writeHead(c.bw, header, carry)
	if werr == nil && o.expect {
		var resp *http.Response
		var err error
		if resp, werr, err = tr.bodyTurn(ctx, o, header); resp != nil || err != nil {
			return resp, err
		}
	}
	if werr == nil && carry && o.body != nil {
		werr = o.writeBody(c.bw)
	}
	if werr == nil {
		werr = c.bw.Flush()
	}
	var be *bodyError
	if errors.As(werr, &be) {
		c.broken = true
		if failure.MalformedBody(be.err) {
			return nil, failure.BadBody(be.err, tr.u.addr)
		}
		return nil, &failure.Error{Cause: failure.ClientGone, Peer: tr.u.addr, What: "the app stopped sending the request body", Err: be}
	}
	resp, err := tr.u.readResponse(ctx, c, o.method)
	if err != nil {
		if werr != nil && c.reused {
			return nil, &staleConnError{werr}
		}
		return nil, err
	}
	if werr != nil {
		// The parent answered before taking the whole request (a 407 or
		// an error with Connection: close); its answer is what counts.
		c.broken = true
	}
	return resp, nil
}

// readResponse reads the parent's response head, skipping 1xx
// informational responses other than 101.
func (u *Upstream) readResponse(ctx context.Context, c *Conn, method string) (*http.Response, error) {
	c.setReadDeadline(time.Now().Add(u.cfg.ResponseHeaderTimeout))
	stop := context.AfterFunc(ctx, func() { _ = c.nc.SetReadDeadline(aLongTimeAgo) })
	defer stop()
	req := &http.Request{Method: method}
	c.lim.Left = maxResponseHead + int64(c.br.Buffered())
	defer func() { c.lim.Left = -1 }()
	for {
		// Peek first: ReadResponse turns "nothing at all" into
		// ErrUnexpectedEOF, and only nothing at all on a reused connection
		// means the parent had closed it while idle.
		_, err := c.br.Peek(1)
		u.firstPeek(ctx, c, err)
		if err != nil {
			c.broken = true
			return nil, u.readError(ctx, c, err, true)
		}
		began := httpStart(c.br)
		resp, err := http.ReadResponse(c.br, req)
		if err != nil {
			c.broken = true
			return nil, u.readError(ctx, c, cutHead(err, began, c), false)
		}
		c.answered = true
		if resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			continue
		}
		if !stop() {
			c.broken = true
			return nil, &failure.Error{Cause: failure.ClientGone, Peer: u.addr, What: "the app went away", Err: ctx.Err()}
		}
		_ = c.nc.SetReadDeadline(time.Time{})
		if resp.Close {
			c.broken = true
		}
		return resp, nil
	}
}

func (u *Upstream) readError(ctx context.Context, c *Conn, err error, nothing bool) error {
	if ctx.Err() != nil {
		return &failure.Error{Cause: failure.ClientGone, Peer: u.addr, What: "the app went away", Err: ctx.Err()}
	}
	if errors.Is(err, errHeadTooLarge) {
		return &failure.Error{Cause: failure.ParentResponseBroken, Peer: u.addr,
			What: fmt.Sprintf("parent proxy %s sent a response head larger than 1 MiB", u.addr), Err: err,
			Fix: "this is a fault of the parent proxy or of something between; report it to the proxy's administrators"}
	}
	// A fresh connection that never carried an answer: whatever went wrong
	// before the first response says the parent is dead (deadParent).
	fresh := !c.reused && !c.answered
	var cut *headCutError
	if errors.As(err, &cut) {
		// An HTTP head that stopped half-way: a parent that crashed or
		// dropped the connection mid-answer, not a service that speaks
		// something else (whose advice is to check the host and port).
		return &failure.Error{Cause: failure.ParentError, Peer: u.addr,
			What: fmt.Sprintf("parent proxy %s closed the connection in the middle of its response head", u.addr), Err: cut.err,
			Fix:        "try again; if it keeps happening, the parent proxy may be overloaded or crashing: tell its administrators",
			Unanswered: fresh}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		if c.silent {
			e := u.silenceError(err, "the request")
			e.Unanswered = true
			return e
		}
		return &failure.Error{Cause: failure.ParentTimeout, Peer: u.addr,
			What: fmt.Sprintf("parent proxy %s did not answer within %s", u.addr, u.cfg.ResponseHeaderTimeout), Err: err,
			Fix: "try again later; the parent proxy or the site behind it is slow or stuck"}
	}
	if nothing || neterr.IsReset(err) || neterr.IsBrokenPipe(err) {
		if c.reused && nothing {
			return &staleConnError{err}
		}
		return &failure.Error{Cause: failure.ParentError, Peer: u.addr,
			What: fmt.Sprintf("parent proxy %s closed the connection without answering", u.addr), Err: err,
			Fix:        "try again; if it keeps happening, check with 'ferry doctor' whether the address is really a proxy",
			Unanswered: fresh && nothing}
	}
	return &failure.Error{Cause: failure.ParentNotProxy, Peer: u.addr,
		What: fmt.Sprintf("parent proxy %s answered with something that is not an HTTP response", u.addr), Err: err,
		Fix:        "check the parent's host and port: it may be a TLS port or not a proxy at all",
		Unanswered: fresh}
}

// httpStart reports whether what the parent sent so far begins as an HTTP
// response does ("HTTP/", or the start of it), so that a connection that
// ends in the middle of a head is told from one that sent something else
// (an SSH banner, a TLS alert).
func httpStart(br *bufio.Reader) bool {
	b, _ := br.Peek(min(br.Buffered(), len("HTTP/")))
	return len(b) > 0 && strings.HasPrefix("HTTP/", string(b))
}

// headCutError is a response head that began as HTTP and ended early.
type headCutError struct{ err error }

func (e *headCutError) Error() string { return e.err.Error() }
func (e *headCutError) Unwrap() error { return e.err }

// cutHead marks err, from reading a response head on c that began as HTTP
// (began), as a head cut short when the connection ended under it: the
// end came where a header line was due (io.ErrUnexpectedEOF), or in the
// middle of a header line, which then reads as one without its colon.
func cutHead(err error, began bool, c *Conn) error {
	if !began {
		return err
	}
	var pe textproto.ProtocolError
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &pe) && c.br.Buffered() == 0 && !rawio.PeekIdle(c.nc) {
		return &headCutError{err}
	}
	return err
}

// drain reads a 407's body so the connection can carry the next leg, and
// reports whether it can.
func drain(c *Conn, resp *http.Response, timeout time.Duration) bool {
	if resp.Close || c.broken {
		c.Close()
		resp.Body.Close()
		return false
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(timeout))
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	_ = c.nc.SetReadDeadline(time.Time{})
	if err != nil || n >= maxDrain {
		// Close the connection before the body: closing an unfinished
		// body would read the rest of it.
		c.Close()
		resp.Body.Close()
		return false
	}
	resp.Body.Close()
	return true
}

// ChallengeNames lists the schemes a parent offered, each once, in its
// order ("Negotiate, NTLM"), or "no scheme": the words of the relay's
// errors and of ferry doctor's checks.
func ChallengeNames(cs []auth.Challenge) string {
	if len(cs) == 0 {
		return "no scheme"
	}
	return joinNames(schemeNames(cs))
}

// schemeNames lists the schemes of cs once each, in their order.
func schemeNames(cs []auth.Challenge) []string {
	var names []string
	for _, c := range cs {
		if !slices.Contains(names, c.Scheme) {
			names = append(names, c.Scheme)
		}
	}
	return names
}

func namesOr(names []string) string {
	if len(names) == 0 {
		return "none (no user or password configured)"
	}
	return joinNames(names)
}

func joinNames(names []string) string { return strings.Join(names, ", ") }
