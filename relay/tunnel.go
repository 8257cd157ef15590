package relay

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryproxy/ferry/internal/hop"
	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/parent"
)

// serveConnect opens a tunnel: through a parent's CONNECT, or directly for
// no_proxy hosts. A parent's refusal (403 for a blocked site, 502 for an
// unreachable one) is passed to the app as it came.
func (s *Server) serveConnect(w http.ResponseWriter, r *http.Request) {
	hostport := r.Host
	if _, port, err := net.SplitHostPort(hostport); err != nil || port == "" {
		writeErrorPage(w, r, &failure.Error{Cause: failure.BadRequest, What: "CONNECT needs host:port, got " + hostport,
			Fix: "this is a bug in the app; a CONNECT request names the port"})
		return
	}
	up, upBuf, ref, e := s.dialTunnel(r.Context(), hostport, r.Header.Get("User-Agent"))
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
	go s.splice(cc, pending, up, upBuf, idle)
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
// error. CONNECT requests, SOCKS5 and port tunnels all come through here.
func (s *Server) dialTunnel(ctx context.Context, hostport, userAgent string) (net.Conn, []byte, *refusal, *failure.Error) {
	g := s.gen.Load()
	dec, err := g.router.Route(ctx, hostport, tunnelURL(hostport))
	if err != nil {
		return nil, nil, nil, failure.As(err, hostport)
	}
	if dec.Direct {
		nc, e := s.dialDirect(ctx, g, hostport)
		return nc, nil, nil, e
	}
	o := parent.NewConnect(hostport, userAgent, g.headers, s.via.value)
	try, skipped := dec.tryList()
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
		nc, de := s.dialDirect(ctx, g, hostport)
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
	s.splice(cc, buffered(brw.Reader), up, buffered(upBuf), s.gen.Load().set.tunnelIdle)
}

// splice copies both ways until both sides are done, passing half-closes
// on (a side that finished sending gets CloseWrite, the other direction
// goes on). Bytes already buffered on either side go first; after that
// io.Copy between TCP connections uses splice(2) on Linux. With an idle
// timeout, a tunnel that carried nothing either way for that long is closed.
func (s *Server) splice(a net.Conn, aBuf []byte, b io.ReadWriteCloser, bBuf []byte, idle time.Duration) {
	if !s.tunnels.add(a, b) {
		a.Close()
		b.Close()
		return
	}
	defer s.tunnels.done(a, b)
	var act *activity
	if idle > 0 {
		act = &activity{idle: idle}
		act.touch()
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pipe(b, a, aBuf, act)
	}()
	pipe(a, b, bBuf, act)
	wg.Wait()
	a.Close()
	b.Close()
}

// pipe copies src (after what buf holds of it) to dst, then half-closes dst;
// on an error it closes both so the other direction ends too.
func pipe(dst, src io.ReadWriteCloser, pending []byte, act *activity) {
	var err error
	if len(pending) > 0 {
		_, err = dst.Write(pending)
	}
	if err == nil {
		err = copyConn(dst, src, act)
	}
	if err != nil && !errors.Is(err, net.ErrClosed) {
		dst.Close()
		src.Close()
		return
	}
	if cw, ok := dst.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	} else {
		dst.Close()
	}
}

// copyConn copies src to dst until EOF: spliced between TCP connections on
// Linux, through a buffer otherwise.
func copyConn(dst io.Writer, src io.Reader, act *activity) error {
	d, dok := dst.(*net.TCPConn)
	s, sok := src.(*net.TCPConn)
	if dok && sok {
		if err := spliceConns(d, s, act); err != errNoSplice {
			return err
		}
	}
	return copyBuffered(dst, src, act)
}

// errNoSplice means the connections cannot be spliced here: not Linux, or
// a socket splice(2) refuses.
var errNoSplice = errors.New("splice is not available")

// activity is the last time either direction of a tunnel moved bytes.
type activity struct {
	idle time.Duration
	last atomic.Int64 // unix nanoseconds
}

func (a *activity) touch() { a.last.Store(time.Now().UnixNano()) }

// idleFor reports whether neither direction moved bytes for a.idle; a read
// timeout on one direction ends the tunnel only then.
func (a *activity) idleFor() bool { return time.Since(time.Unix(0, a.last.Load())) >= a.idle }

// smallBuf is what a quiet tunnel direction waits with.
const smallBuf = 2 << 10

// copyBuffered copies src to dst. It waits for data with a small buffer
// and borrows a pooled 32 KB one only while reads fill the small one, so a
// thousand idle tunnels do not hold 64 MB of buffers. With act, a read
// that times out ends the copy only if the other direction was idle too.
func copyBuffered(dst io.Writer, src io.Reader, act *activity) error {
	var dl interface{ SetReadDeadline(time.Time) error }
	if act != nil {
		dl, _ = src.(interface{ SetReadDeadline(time.Time) error })
	}
	small := make([]byte, smallBuf)
	buf := small
	var big *[]byte
	defer func() {
		if big != nil {
			bufPool.Put(big)
		}
	}()
	for {
		if dl != nil {
			_ = dl.SetReadDeadline(time.Now().Add(act.idle))
		}
		n, err := src.Read(buf)
		if n > 0 {
			if act != nil {
				act.touch()
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		switch {
		case n == len(buf) && big == nil: // more is coming: read big
			big = bufPool.Get().(*[]byte)
			buf = *big
		case n < len(buf) && big != nil: // caught up: wait small
			bufPool.Put(big)
			big, buf = nil, small
		}
		var ne net.Error
		if dl != nil && errors.As(err, &ne) && ne.Timeout() {
			if !act.idleFor() {
				continue
			}
			return errTunnelIdle
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

var errTunnelIdle = errors.New("tunnel idle")

// tunnelSet tracks open tunnels so shutdown can wait for them, then close
// what is left.
type tunnelSet struct {
	mu     sync.Mutex
	conns  map[io.Closer]struct{}
	closed bool
	wg     sync.WaitGroup
}

func (t *tunnelSet) add(a, b io.Closer) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	if t.conns == nil {
		t.conns = map[io.Closer]struct{}{}
	}
	t.conns[a], t.conns[b] = struct{}{}, struct{}{}
	t.wg.Add(1)
	return true
}

func (t *tunnelSet) done(a, b io.Closer) {
	t.mu.Lock()
	delete(t.conns, a)
	delete(t.conns, b)
	t.mu.Unlock()
	t.wg.Done()
}

// count is the number of open tunnels.
func (t *tunnelSet) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns) / 2
}

// closeAll refuses new tunnels and closes the open ones.
func (t *tunnelSet) closeAll() {
	t.mu.Lock()
	t.closed = true
	for c := range t.conns {
		c.Close()
	}
	t.mu.Unlock()
}

// tunnelURL is what a PAC sees for a tunnel, as browsers pass it: https and
// the host, with the port only when it is not 443.
func tunnelURL(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || port == "443" {
		return "https://" + hostport + "/"
	}
	return "https://" + net.JoinHostPort(host, port) + "/"
}
