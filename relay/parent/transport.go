package parent

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/ferryproxy/ferry/relay/failure"
)

// This file makes an Upstream usable from any Go program: an
// http.RoundTripper for http:// URLs, which go to the parent in absolute
// form, and a dialer of CONNECT tunnels for everything else (https:// in
// an http.Transport, or any TCP protocol). Both go through Do: the pool,
// the logon exchange and the lockout guard, as ferry's own requests do.

// RoundTrip sends an http:// request through the parent, logging on as
// needed, and returns the response; reading its body to the end gives the
// connection back to the pool. It makes Upstream an http.RoundTripper:
//
//	client := &http.Client{Transport: u}
//
// https:// URLs go through a tunnel instead: use DialContext in an
// http.Transport. Errors are *failure.Error; a lost pooled connection is
// retried on a fresh one as long as the body can be sent again (it has
// none, or one of at most ReplayLimit bytes). The request's body is
// closed, as http.RoundTripper requires.
func (u *Upstream) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		defer r.Body.Close()
	}
	if r.URL == nil || r.URL.Scheme != "http" || r.URL.Host == "" {
		return nil, &failure.Error{Cause: failure.BadRequest, Peer: u.addr,
			What: fmt.Sprintf("RoundTrip sends absolute http:// URLs through the parent, not %q", r.URL),
			Fix:  "for https:// (or any TCP protocol), tunnel with Upstream.DialContext, as an http.Transport's DialContext"}
	}
	// RFC 9110 4.2.4: userinfo must not be sent on. The caller's request
	// is not changed (http.RoundTripper).
	out := *r
	url := *r.URL
	url.User = nil
	out.URL = &url
	o := NewRequest(&out, nil, "")
	length := r.ContentLength
	if r.Body == nil || r.Body == http.NoBody {
		length = 0
	} else if length == 0 {
		// A client request's zero length with a body means unknown
		// (http.Request.ContentLength): send it chunked.
		length = -1
	}
	o.body = newBody(r.Body, length)
	resp, c, err := u.Do(r.Context(), o)
	if err != nil {
		return nil, failure.As(err, u.addr)
	}
	resp.Request = r
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// As net/http's Transport: the body is the connection, to read and
		// write the new protocol on.
		resp.Body = &switched{Reader: c.br, Conn: c.nc}
		return resp, nil
	}
	// Body reads have no deadline: the caller's context bounds them, as
	// with net/http's Transport.
	stop := context.AfterFunc(r.Context(), func() { _ = c.nc.SetReadDeadline(aLongTimeAgo) })
	resp.Body = &pooledBody{body: resp.Body, u: u, c: c, stop: stop}
	return resp, nil
}

// pooledBody gives the connection back to the pool once the body was read
// to its end, and closes it when the body is closed before.
type pooledBody struct {
	body io.ReadCloser
	u    *Upstream
	c    *Conn
	stop func() bool // ends the context's watch; false when it fired
	done bool
}

func (b *pooledBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.body.Read(p)
	if err == io.EOF {
		b.done = true
		b.body.Close()
		if b.stop() {
			b.u.Put(b.c)
		} else {
			b.c.Close()
		}
	}
	return n, err
}

func (b *pooledBody) Close() error {
	if b.done {
		return nil
	}
	b.done = true
	b.stop()
	// Close the connection before the body: closing an unfinished body
	// would read the rest of it.
	b.c.Close()
	return b.body.Close()
}

// switched is the connection after a 101 Switching Protocols, with the
// bytes the parent sent after its answer read first.
type switched struct {
	*bufio.Reader
	net.Conn
}

func (s *switched) Read(p []byte) (int, error) { return s.Reader.Read(p) }

// DialContext opens a tunnel to addr (host:port) through the parent's
// CONNECT, logging on as needed, and returns it; bytes the parent sent
// after its 200 are read first. network must be "tcp", "tcp4" or "tcp6".
// It fits http.Transport's DialContext:
//
//	client := &http.Client{Transport: &http.Transport{DialContext: u.DialContext}}
//
// Errors are *failure.Error; a parent's refusal (403 for a blocked site,
// 502 for one it cannot reach) says its status.
func (u *Upstream) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, &failure.Error{Cause: failure.BadRequest, Peer: u.addr,
			What: "a CONNECT tunnel carries TCP, not " + network, Fix: `dial with network "tcp"`}
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, &failure.Error{Cause: failure.BadRequest, Peer: u.addr, Err: err,
			What: fmt.Sprintf("CONNECT needs host:port, got %q", addr), Fix: "name the port, as in example.com:443"}
	}
	resp, c, err := u.Do(ctx, NewConnect(addr, "", nil, ""))
	if err != nil {
		return nil, failure.As(err, u.addr)
	}
	if resp.StatusCode/100 != 2 {
		c.Close()
		resp.Body.Close()
		cause := failure.ParentError
		switch resp.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			cause = failure.OriginUnreachable
		}
		return nil, &failure.Error{Cause: cause, Peer: u.addr,
			What: fmt.Sprintf("parent proxy %s answered the CONNECT to %s with %s", u.addr, addr, resp.Status),
			Fix:  "the parent refused the tunnel: check that the site is reachable and allowed through the proxy"}
	}
	if c.br.Buffered() == 0 {
		return c.nc, nil
	}
	// The connection never goes back to the pool: its buffer may hold
	// the bytes until they are read.
	pending, _ := c.br.Peek(c.br.Buffered())
	return &tunnel{Conn: c.nc, pending: pending}, nil
}

// tunnel is a CONNECT tunnel whose first bytes came with the parent's 200.
type tunnel struct {
	net.Conn
	pending []byte
}

func (t *tunnel) Read(p []byte) (int, error) {
	if len(t.pending) > 0 {
		n := copy(p, t.pending)
		t.pending = t.pending[n:]
		return n, nil
	}
	return t.Conn.Read(p)
}

// CloseWrite half-closes the tunnel, where the connection can.
func (t *tunnel) CloseWrite() error {
	if cw, ok := t.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.ErrUnsupported
}
