package relay

import (
	"context"
	"io"
	"net"
	"net/http"

	"github.com/ferryproxy/ferry/internal/hop"
	"github.com/ferryproxy/ferry/relay/failure"
)

// forwardDirect sends a request straight to the origin (no_proxy), with
// net/http's Transport: no proxy authentication is involved there.
func (s *Server) forwardDirect(w http.ResponseWriter, r *http.Request) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Close = false
	upgrade := hop.Remove(out.Header)
	out.Header.Del("Expect")
	if upgrade != "" {
		out.Header.Set("Connection", "Upgrade")
		out.Header.Set("Upgrade", upgrade)
	}
	out.Header["Via"] = append(out.Header["Via"], s.via.Value)
	if _, ok := out.Header["User-Agent"]; !ok {
		out.Header["User-Agent"] = []string{""} // not Go's default
	}
	var body *appBody
	if r.ContentLength == 0 {
		out.Body = nil
	} else if out.Body != nil {
		body = &appBody{rc: out.Body}
		out.Body = body
	}
	hostport := withDefaultPort(r.URL.Host, r.URL.Scheme)
	resp, err := s.gen.Load().direct.RoundTrip(out)
	if err != nil {
		if r.Context().Err() != nil {
			return
		}
		if body != nil && failure.MalformedBody(body.err) {
			s.fail(w, r, failure.BadBody(body.err, hostport))
			return
		}
		e := failure.Dial(err, hostport, false)
		e.What = "cannot reach " + hostport + " directly"
		e.Direct = true
		s.fail(w, r, e)
		return
	}
	if resp.StatusCode == http.StatusSwitchingProtocols && upgrade == "" {
		// A switch nobody asked for: see serveForward.
		resp.Body.Close()
		s.fail(w, r, &failure.Error{Cause: failure.ParentResponseBroken, Peer: hostport, Direct: true,
			What: "site " + hostport + " answered 101 Switching Protocols to a request that asked for no upgrade",
			Fix:  "this is a fault of the site's answer, not of the app or the parent proxy"})
		return
	}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		if rwc, ok := resp.Body.(io.ReadWriteCloser); ok {
			s.upgrade(w, r, resp, &rwcConn{rwc}, nil)
			return
		}
	}
	s.relayFrom(w, r, resp, func(bool) {}, nil, hostport, false)
}

// appBody remembers the error reading the app's request body, which
// net/http's Transport returns like any other failure.
type appBody struct {
	rc  io.ReadCloser
	err error
}

func (b *appBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func (b *appBody) Close() error { return b.rc.Close() }

// dialDirect opens a tunnel's connection straight to the origin, for a
// listener of kind from; never to one of ferry's own listeners (refuseOwn).
func (s *Server) dialDirect(ctx context.Context, g *generation, hostport, from string) (net.Conn, *failure.Error) {
	d := g.set.dialer
	d.ControlContext = s.refuseOwn(from)
	nc, err := d.DialContext(ctx, "tcp", hostport)
	if se, ok := asSelfLoop(err); ok {
		return nil, selfLoop(hostport, from, se)
	}
	if err != nil {
		e := failure.Dial(err, hostport, false)
		e.What = "cannot reach " + hostport + " directly"
		e.Direct = true
		return nil, e
	}
	return nc, nil
}

// rwcConn lets an upgraded Transport body stand in a splice.
type rwcConn struct{ io.ReadWriteCloser }

func (c *rwcConn) CloseWrite() error { return c.Close() }
