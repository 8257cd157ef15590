package relay

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"

	"github.com/ferryproxy/ferry/internal/hop"
	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/parent"
	"github.com/ferryproxy/ferry/relay/report"
	"github.com/ferryproxy/ferry/relay/route"
)

// serveConnect opens a tunnel: through a parent's CONNECT, or directly for
// no_proxy hosts. A parent's refusal (403 for a blocked site, 502 for an
// unreachable one) is passed to the app as it came.
func (s *Server) serveConnect(w http.ResponseWriter, r *http.Request) {
	hostport := r.Host
	if _, port, err := net.SplitHostPort(hostport); err != nil || port == "" {
		report.WriteError(w, r, &failure.Error{Cause: failure.BadRequest, What: "CONNECT needs host:port, got " + hostport,
			Fix: "this is a bug in the app; a CONNECT request names the port"})
		return
	}
	up, upBuf, ref, e := s.dialTunnel(r.Context(), hostport, r.Header.Get("User-Agent"), kindHTTP)
	if e != nil {
		s.fail(w, r, e)
		return
	}
	if ref != nil {
		s.relayResponse(w, r, ref.resp, ref.done, ref.nc)
		return
	}
	cc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		return
	}
	if _, err := io.WriteString(cc, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		cc.Close()
		up.Close()
		return
	}
	// The handler returns and the tunnel lives on in goroutines of its own:
	// the handler's deep stack and net/http's per-connection state are
	// freed, which is most of an idle tunnel's memory.
	pending, idle := buffered(brw.Reader), s.gen.Load().set.tunnelIdle
	go s.tunnels.Conns(cc, pending, up, upBuf, idle)
}

// refusal is a parent's non-2xx answer to a CONNECT, for the caller to pass
// on; done hands the connection back once the body was read (or not).
type refusal struct {
	resp *http.Response
	done func(ok bool)
	nc   net.Conn
}

// dialTunnel opens a byte stream to hostport the way routing says: through
// the parents' CONNECT in order, or directly. It returns the connection and
// the bytes that already arrived on it, or the parent's refusal, or an
// error. CONNECT requests, SOCKS5 and port tunnels all come through here;
// from is the kind of listener the request came in on.
func (s *Server) dialTunnel(ctx context.Context, hostport, userAgent, from string) (net.Conn, []byte, *refusal, *failure.Error) {
	g := s.gen.Load()
	dec, err := g.router.Route(ctx, hostport, route.TunnelURL(hostport))
	if err != nil {
		return nil, nil, nil, failure.As(err, hostport)
	}
	if dec.Direct {
		nc, e := s.dialDirect(ctx, g, hostport, from)
		return nc, nil, nil, e
	}
	o := parent.NewConnect(hostport, userAgent, g.headers, s.via.Value)
	try, skipped := dec.TryList()
	var last *failure.Error
	for _, u := range try {
		resp, c, err := u.Do(ctx, o)
		if err != nil {
			last = failure.As(err, u.Addr())
			if last.Elsewhere {
				s.log.Debug("trying the next parent", "parent", u.Addr(), "err", last)
				continue
			}
			return nil, nil, nil, last
		}
		if resp.StatusCode/100 != 2 {
			return nil, nil, &refusal{resp: resp, nc: c.NetConn(), done: func(ok bool) {
				if ok {
					u.Put(c)
				} else {
					c.Close()
				}
			}}, nil
		}
		return c.NetConn(), buffered(c.Reader()), nil, nil
	}
	if dec.FallbackDirect {
		s.log.Warn("no parent proxy reachable: going directly (direct_fallback)", "target", hostport, "err", errText(last, errText(skipped, "every parent is down")))
		nc, de := s.dialDirect(ctx, g, hostport, from)
		return nc, nil, nil, de
	}
	if last == nil {
		last = skipped
	}
	if last != nil {
		return nil, nil, nil, last
	}
	return nil, nil, nil, &failure.Error{Cause: failure.NoParentReachable, What: "no parent proxy is configured", Fix: "set parents in ferry's config"}
}

// buffered copies out what a reader holds beyond what was parsed (a TLS
// ClientHello sent along with the CONNECT), so the 4-32 KB buffers around
// it need not live as long as the tunnel: with thousands of idle tunnels
// that is most of their memory.
func buffered(br *bufio.Reader) []byte {
	if br == nil || br.Buffered() == 0 {
		return nil
	}
	b, _ := br.Peek(br.Buffered())
	return bytes.Clone(b)
}

// upgrade finishes a 101 Switching Protocols (WebSocket) by handing the
// app's connection and the upstream one to a splice.
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request, resp *http.Response, up io.ReadWriteCloser, upBuf *bufio.Reader) {
	proto := resp.Header.Get("Upgrade")
	cc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		return
	}
	hop.Remove(resp.Header)
	resp.Header.Set("Connection", "Upgrade")
	resp.Header.Set("Upgrade", proto)
	bw := bufio.NewWriter(cc)
	_, _ = bw.WriteString("HTTP/1.1 101 Switching Protocols\r\n")
	_ = resp.Header.Write(bw)
	_, _ = bw.WriteString("\r\n")
	if err := bw.Flush(); err != nil {
		cc.Close()
		up.Close()
		return
	}
	s.log.Debug("upgraded", "url", redactURL(r), "protocol", proto)
	s.tunnels.Conns(cc, buffered(brw.Reader), up, buffered(upBuf), s.gen.Load().set.tunnelIdle)
}
