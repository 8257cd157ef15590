package parent

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ferryproxy/ferry/internal/neterr"
	"github.com/ferryproxy/ferry/relay/failure"
)

// This file decides whether a parent is alive. A parent is down after it
// refused a connection, closed or reset one before sending any response
// byte, answered with something that is not HTTP, or stayed silent on a
// fresh connection for timeouts.connect while a probe got no answer either.
// While down it is tried last (and not at all when direct_fallback can take
// the request), and a probe without credentials, repeated with backoff,
// brings it back.
//
// A slow site is not a dead parent: on a connection the parent answered
// before (a 407, a pooled authenticated one) ferry waits the normal
// timeouts.response_header. Only the first exchange on a fresh connection is
// watched, and even there the parent is called dead only when a second,
// bodiless question gets no answer in time: squid 5.7 answers "OPTIONS *"
// with a 501 in about a millisecond, without credentials and without
// contacting any site.

// health is a parent's reachability. Its fields are guarded by Upstream.mu.
type health struct {
	down     bool
	since    time.Time // down since
	nextTry  time.Time // when the next probe runs
	backoff  time.Duration
	lastErr  *failure.Error
	answered bool // the parent answered something once (a request or a probe)
	served   bool // a request through it got its final answer
	recheck  *time.Timer
	stopped  bool               // retired: no more probes
	cancel   context.CancelFunc // stops a probe under way
}

// maxBackoff bounds the wait between probes of a down parent.
const maxBackoff = time.Minute

// Healthy reports whether the parent is not down. The time (of the
// routing decision) is not used.
func (u *Upstream) Healthy(time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return !u.h.down
}

// markDown puts the parent down after e: it is probed again after 1 s,
// doubling up to a minute.
func (u *Upstream) markDown(e *failure.Error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	h := &u.h
	if h.backoff == 0 {
		h.backoff = time.Second
	} else if h.backoff < maxBackoff {
		h.backoff = min(2*h.backoff, maxBackoff)
	}
	now := time.Now()
	wasUp := !h.down
	if wasUp {
		h.since = now
	}
	h.down = true
	h.nextTry = now.Add(h.backoff)
	h.lastErr = e
	if !h.stopped {
		if h.recheck == nil {
			h.recheck = time.AfterFunc(h.backoff, u.recheckNow)
		} else {
			h.recheck.Reset(h.backoff)
		}
	}
	if wasUp {
		u.cfg.Log.Warn("parent proxy is down", "parent", u.addr, "cause", string(e.Cause), "err", e.Error(), "retry_in", h.backoff)
	}
}

// markUp records an answer from the parent: a request's final response
// (served) or a probe's.
func (u *Upstream) markUp(served bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	h := &u.h
	if h.down {
		u.cfg.Log.Info("parent proxy is up again", "parent", u.addr, "down_for", time.Since(h.since).Round(time.Millisecond))
	}
	if h.recheck != nil {
		h.recheck.Stop()
	}
	h.down, h.backoff, h.lastErr = false, 0, nil
	h.since, h.nextTry = time.Time{}, time.Time{}
	h.answered = true
	h.served = h.served || served
}

// refusedWith records a request to the parent that ended without a final
// response and without the parent being dead: when the parent answered (a
// 407 ferry could not or would not answer) it is alive, so not "untried";
// and a cause that is the logon's (also one found before anything was
// sent, such as a Kerberos ticket that could not be had) stays on the
// status page as its last error until a request succeeds. The site's own
// answers (site_proxy_auth) and a slow site are not held against the
// parent.
func (u *Upstream) refusedWith(err error, answered bool) {
	var e *failure.Error
	if !errors.As(err, &e) {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.h.answered = u.h.answered || answered
	switch e.Cause {
	case failure.SchemeUnsupported, failure.CredentialsMissing, failure.CredentialsRejected, failure.Kerberos,
		failure.AuthDowngrade, failure.KerberosPasswordRejected, failure.ParentResponseBroken:
		if !u.h.down {
			u.h.lastErr = e
		}
	}
}

// ResetBackoff lets a parent that is down be tried at once (the network
// changed: the VPN may be up now). Its last error stays on the status page.
func (u *Upstream) ResetBackoff() {
	u.mu.Lock()
	defer u.mu.Unlock()
	h := &u.h
	if h.recheck != nil {
		h.recheck.Stop()
	}
	h.down, h.backoff = false, 0
	h.since, h.nextTry = time.Time{}, time.Time{}
}

// Retire ends the Upstream: no more probes of a down parent, idle
// connections closed now, and those still in use closed when given back.
// The relay retires the Upstreams a reload replaced, and all of them when
// it stops; a program calls it when it is done with the parent.
func (u *Upstream) Retire() {
	u.retired.Store(true)
	u.mu.Lock()
	h := &u.h
	h.stopped = true
	if h.recheck != nil {
		h.recheck.Stop()
	}
	if h.cancel != nil {
		h.cancel()
	}
	u.mu.Unlock()
	u.CloseIdle(0)
}

// recheckNow probes a down parent; it runs on the backoff timer.
func (u *Upstream) recheckNow() {
	u.mu.Lock()
	if u.h.stopped || !u.h.down {
		u.mu.Unlock()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), u.dialer.Timeout)
	u.h.cancel = cancel
	u.mu.Unlock()
	err := u.probe(ctx)
	cancel()
	u.mu.Lock()
	u.h.cancel = nil
	stopped := u.h.stopped
	u.mu.Unlock()
	switch {
	case stopped:
	case err == nil:
		u.markUp(false)
	default:
		u.cfg.Log.Debug("parent proxy still down", "parent", u.addr, "err", err.Error())
		u.markDown(err)
	}
}

// probe asks the parent a question any HTTP proxy answers by itself, with
// no credentials and no site involved: "OPTIONS *" (RFC 9110 9.3.7). Any
// HTTP response means the parent is alive.
func (u *Upstream) probe(ctx context.Context) *failure.Error {
	nc, err := u.dialer.DialContext(ctx, "tcp", u.addr)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &failure.Error{Cause: failure.ClientGone, Peer: u.addr, What: "the probe was cancelled", Err: ctx.Err()}
		}
		return failure.Dial(err, u.addr, true)
	}
	defer nc.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(aLongTimeAgo) })
	defer stop()
	_, err = fmt.Fprintf(nc, "OPTIONS * HTTP/1.1\r\nHost: %s\r\nMax-Forwards: 0\r\nContent-Length: 0\r\n\r\n", u.addr)
	var resp *http.Response
	if err == nil {
		resp, err = http.ReadResponse(bufio.NewReader(io.LimitReader(nc, maxResponseHead)), nil)
	}
	if err == nil {
		resp.Body.Close()
		return nil
	}
	return u.silenceError(err, "a probe (OPTIONS *)")
}

// silenceError describes a parent that took a connection and did not
// answer on it.
func (u *Upstream) silenceError(err error, what string) *failure.Error {
	switch {
	case neterr.IsTimeout(err):
		return &failure.Error{Cause: failure.ParentTimeout, Peer: u.addr,
			What: fmt.Sprintf("parent proxy %s accepted the connection but did not answer %s within %s (timeouts.connect)", u.addr, what, u.dialer.Timeout),
			Err:  err, Fix: "the proxy is stuck or something between drops the traffic: try again later, or ask the proxy's administrators"}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || neterr.IsReset(err) || neterr.IsBrokenPipe(err):
		return &failure.Error{Cause: failure.ParentError, Peer: u.addr,
			What: fmt.Sprintf("parent proxy %s closed the connection without answering %s", u.addr, what), Err: err,
			Fix: "try again; if it keeps happening, check with 'ferry doctor' whether the address is really a proxy"}
	}
	return &failure.Error{Cause: failure.ParentNotProxy, Peer: u.addr,
		What: fmt.Sprintf("parent proxy %s answered %s with something that is not an HTTP response", u.addr, what), Err: err,
		Fix: "check the parent's host and port: it may be a TLS port or not a proxy at all"}
}

// answerWatch watches the first exchange on a fresh connection. Half-way
// through timeouts.connect without a response byte it probes the parent on
// a second connection; when that gets no answer either and the first
// exchange is still silent at timeouts.connect, it stops the exchange (both
// deadlines in the past) and marks the connection silent. When the probe
// is answered, the parent is alive and the exchange waits for the site as
// long as timeouts.response_header allows.
type answerWatch struct {
	mu     sync.Mutex
	done   bool
	silent bool
	timer  *time.Timer
	cancel context.CancelFunc
}

// watchFirstAnswer starts watching c, a connection the parent has not
// answered on yet.
func (u *Upstream) watchFirstAnswer(c *Conn) *answerWatch {
	limit := u.dialer.Timeout
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	w := &answerWatch{cancel: cancel}
	w.timer = time.AfterFunc(limit/2, func() {
		if u.probe(ctx) == nil {
			return
		}
		<-ctx.Done() // the exchange has until timeouts.connect
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.done {
			w.silent = true
			_ = c.nc.SetDeadline(aLongTimeAgo)
		}
	})
	return w
}

// firstPeek ends the watch on c, if any, once the first read of a response
// returned err. An answer that came just as the watch gave up is taken:
// the deadlines it set in the past are renewed.
func (u *Upstream) firstPeek(ctx context.Context, c *Conn, err error) {
	if c.watch == nil {
		return
	}
	c.endWatch()
	if err == nil && c.silent {
		c.silent = false
		_ = c.nc.SetDeadline(time.Time{})
		_ = c.nc.SetReadDeadline(time.Now().Add(u.cfg.ResponseHeaderTimeout))
		if ctx.Err() != nil {
			_ = c.nc.SetReadDeadline(aLongTimeAgo)
		}
	}
}

// setReadDeadline sets c's read deadline, unless the watch has already
// stopped the exchange: its deadline in the past must stay, or a write
// that failed for it would be followed by a full response_header wait.
func (c *Conn) setReadDeadline(t time.Time) {
	if w := c.watch; w != nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.silent {
			return
		}
	}
	_ = c.nc.SetReadDeadline(t)
}

// watchFired reports whether the watch on c found the parent silent.
func (c *Conn) watchFired() bool {
	w := c.watch
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.silent
}

// end stops the watch and reports whether it found the parent silent
// (and set the connection's deadlines in the past).
func (w *answerWatch) end() bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	w.timer.Stop()
	w.cancel()
	return w.silent
}

// TryList is the order in which a request tries parents, as routing
// listed them (fallbackDirect: the request may go directly when no parent
// takes it): those up
// first, as routed, then those down as a last resort, since refusing or
// dropping costs little and the parent may be back. Left out are a down
// parent that was silent (a hang costs timeouts.connect each time) and,
// with direct_fallback, every down parent: going directly is quicker than
// a parent known to be dead. Their probes bring them back. skipped is why
// the first one left out is down, for the app when nothing else is left.
func TryList(parents []*Upstream, fallbackDirect bool) (try []*Upstream, skipped *failure.Error) {
	for i, u := range parents {
		e := u.DownError()
		switch {
		case e == nil || !(fallbackDirect || e.Cause == failure.ParentTimeout):
			if try != nil {
				try = append(try, u)
			}
		default:
			if skipped == nil {
				skipped = e
				// Copy only now: the common case (all up) allocates nothing.
				try = append(make([]*Upstream, 0, len(parents)), parents[:i]...)
			}
		}
	}
	if skipped == nil {
		return parents, nil
	}
	return try, skipped
}

// DownError says why the parent is down and until when, or nil when it
// is not down.
func (u *Upstream) DownError() *failure.Error {
	u.mu.Lock()
	defer u.mu.Unlock()
	h := &u.h
	if !h.down || h.lastErr == nil {
		return nil
	}
	return &failure.Error{Cause: h.lastErr.Cause, Peer: u.addr, Err: h.lastErr,
		What: fmt.Sprintf("parent proxy %s is down since %s (ferry checks it again at %s)", u.addr,
			h.since.Format(time.TimeOnly), h.nextTry.Format(time.TimeOnly)),
		Fix: h.lastErr.Fix}
}

// deadParent reports whether e says the parent itself failed before
// answering anything (refused, dropped, silent, not HTTP), as opposed to a
// slow site, a refusal of the credentials or the app going away.
func deadParent(e *failure.Error) bool {
	return (e.BeforeSend || e.Unanswered) && e.Cause != failure.ClientGone && e.Cause != failure.OriginUnreachable
}
