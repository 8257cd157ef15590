package parent

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay/failure"
)

// expectWait is how long ferry waits for a parent's 100 Continue before it
// sends the body anyway. RFC 9110 10.1.1 lets a client go on after a while
// when no 100 comes: tinyproxy, for one, ignores Expect.
const expectWait = time.Second

// guarded reports whether a body that ferry cannot send twice must go with
// Expect: 100-continue on a leg carrying header: whether the parent may
// still answer that leg with a 407, which would otherwise come after the
// body was sent and lose it.
//
//   - A connection authenticated by a per-connection scheme, with no header:
//     until this parent has been seen to honour such a connection, it may
//     want a token on every request (mod_auth_gssapi's default).
//   - A header computed before any challenge of this trip: a Digest nonce
//     may have gone stale (squid renews it after 50 uses, Apache after
//     300 s), and a first logon may meet a challenge for another scheme.
//     Basic, and a per-request token the parent has accepted before, go
//     without.
func (tr *trip) guarded(header string) bool {
	u := tr.u
	if !u.cfg.Auth.Enabled() || u.noExpect.Load() {
		return false
	}
	if header == "" {
		return tr.c.authed && !u.bound.Load()
	}
	if tr.challenged {
		return false
	}
	return !u.verified.Load() || tr.st.scheme.Name() == auth.SchemeDigest
}

// learnPerRequest notes a parent that challenged a request without a header
// on a connection a per-connection scheme had authenticated, offering that
// scheme again: it wants a token on every request (mod_auth_gssapi's
// default, GssapiConnectionBound Off), where squid keeps the logon for the
// connection. A 407 without that scheme is no such sign (squid passes a
// site's own 407 on without a challenge of its own).
func (tr *trip) learnPerRequest(offered []auth.Challenge) {
	if !tr.c.authed || (tr.st != nil && tr.st.sent) {
		return
	}
	s, _, _ := tr.u.preferred()
	if s == nil || !slices.ContainsFunc(offered, func(c auth.Challenge) bool { return c.Scheme == s.Name() }) {
		return
	}
	if !tr.u.perRequest.Swap(true) {
		tr.u.cfg.Log.Info("parent proxy wants credentials on every request, not once per connection; sending them with each",
			"parent", tr.u.addr, "scheme", s.Name())
	}
}

// bodyTurn flushes a head sent with Expect: 100-continue and waits for the
// parent's word on it. It returns the parent's final response when one came
// before the body (which then never went), or nil, and the error of the
// flush, to go on with the body.
func (tr *trip) bodyTurn(ctx context.Context, o *Request, header string) (resp *http.Response, werr, err error) {
	o.expect = false
	if werr = tr.c.bw.Flush(); werr != nil {
		return nil, werr, nil
	}
	resp, err = tr.u.awaitContinue(ctx, tr.c, o.method)
	if resp != nil && resp.StatusCode == http.StatusExpectationFailed {
		resp, err = tr.resendWithoutExpect(ctx, o, header, resp)
	}
	return resp, nil, err
}

// resendWithoutExpect sends the leg again on a new connection after a
// parent refused Expect: 100-continue with a 417 (RFC 9110 15.5.18): the
// body has not been read yet, so nothing is lost. The parent gets no
// Expect again.
func (tr *trip) resendWithoutExpect(ctx context.Context, o *Request, header string, resp *http.Response) (*http.Response, error) {
	resp.Body.Close()
	tr.c.Close()
	tr.u.noExpect.Store(true)
	tr.u.cfg.Log.Debug("parent refused Expect: 100-continue; sending the body without it", "parent", tr.u.addr)
	c, err := tr.u.dial(ctx)
	if err != nil {
		return nil, err
	}
	c.auth = tr.c.auth
	tr.c = c
	return tr.send(ctx, o, header, true)
}

// awaitContinue waits for the parent's answer to a head sent with Expect:
// 100-continue. It returns nil when the body should follow (a 100 came, or
// nothing within expectWait), or the parent's final response, which came
// before any body byte: the connection is then marked broken, since the
// parent waits for the announced body there (squid says keep-alive and
// does so).
func (u *Upstream) awaitContinue(ctx context.Context, c *Conn, method string) (*http.Response, error) {
	c.setReadDeadline(time.Now().Add(expectWait))
	stop := context.AfterFunc(ctx, func() { _ = c.nc.SetReadDeadline(aLongTimeAgo) })
	defer stop()
	if _, err := c.br.Peek(1); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil && !c.watchFired() {
			c.setReadDeadline(time.Time{})
			return nil, nil
		}
		u.firstPeek(ctx, c, err)
		c.broken = true
		return nil, u.readError(ctx, c, err, true)
	}
	u.firstPeek(ctx, c, nil)
	_ = c.nc.SetReadDeadline(time.Now().Add(u.cfg.ResponseHeaderTimeout))
	req := &http.Request{Method: method}
	c.lim.Left = maxResponseHead + int64(c.br.Buffered())
	defer func() { c.lim.Left = -1 }()
	for first := true; ; first = false {
		// After a 1xx the parent is in the middle of its answer: an end
		// there cuts it short (and is no sign of another protocol).
		began := !first || httpStart(c.br)
		resp, err := http.ReadResponse(c.br, req)
		if err != nil {
			c.broken = true
			return nil, u.readError(ctx, c, cutHead(err, began, c), false)
		}
		c.answered = true
		if resp.StatusCode == http.StatusContinue {
			_ = c.nc.SetReadDeadline(time.Time{})
			return nil, nil
		}
		if resp.StatusCode > 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			continue
		}
		if !stop() {
			c.broken = true
			return nil, &failure.Error{Cause: failure.ClientGone, Peer: u.addr, What: "the app went away", Err: ctx.Err()}
		}
		_ = c.nc.SetReadDeadline(time.Time{})
		c.broken = true
		return resp, nil
	}
}
