package relay

import (
	"context"
	"io"
	"net"
	"net/http"
)

// forwardDirect sends a request straight to the origin (no_proxy), with
// net/http's Transport: no proxy authentication is involved there.
func (s *Server) forwardDirect(w http.ResponseWriter, r *http.Request) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Close = false
	upgrade := removeHopHeaders(out.Header)
	out.Header.Del("Expect")
	if upgrade != "" {
		out.Header.Set("Connection", "Upgrade")
		out.Header.Set("Upgrade", upgrade)
	}
	out.Header["Via"] = append(out.Header["Via"], s.via.value)
	if _, ok := out.Header["User-Agent"]; !ok {
		out.Header["User-Agent"] = []string{""} // not Go's default
	}
	if r.ContentLength == 0 {
		out.Body = nil
	}
	hostport := withDefaultPort(r.URL.Host, r.URL.Scheme)
	resp, err := s.gen.Load().direct.RoundTrip(out)
	if err != nil {
		if r.Context().Err() != nil {
			return
		}
		e := dialError(err, hostport, false)
		e.What = "cannot reach " + hostport + " directly (it matches no_proxy)"
		s.fail(w, r, e)
		return
	}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		if rwc, ok := resp.Body.(io.ReadWriteCloser); ok {
			s.upgrade(w, r, resp, &rwcConn{rwc}, nil)
			return
		}
	}
	s.relayResponse(w, r, resp, func(bool) {}, nil)
}

// dialDirect opens a tunnel's connection straight to the origin.
func (s *Server) dialDirect(ctx context.Context, g *generation, hostport string) (net.Conn, *Error) {
	nc, err := g.set.dialer.DialContext(ctx, "tcp", hostport)
	if err != nil {
		e := dialError(err, hostport, false)
		e.What = "cannot reach " + hostport + " directly"
		return nil, e
	}
	return nc, nil
}

// rwcConn lets an upgraded Transport body stand in a splice.
type rwcConn struct{ io.ReadWriteCloser }

func (c *rwcConn) CloseWrite() error { return c.Close() }
