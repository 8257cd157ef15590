package relay

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ferryproxy/ferry/internal/hop"
	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/parent"
	"github.com/ferryproxy/ferry/relay/report"
)

// serveForward relays an absolute-form request (GET http://...).
func (s *Server) serveForward(w http.ResponseWriter, r *http.Request) {
	if r.URL.Scheme != "http" && r.URL.Scheme != "https" {
		report.WriteError(w, r, &failure.Error{Cause: failure.BadRequest, What: "ferry relays http:// URLs and CONNECT only, not " + r.URL.Scheme + "://",
			Fix: "use ferry as an HTTP proxy for http and https URLs"})
		return
	}
	// RFC 9110 section 4.2.4: userinfo in an http(s) URI is deprecated and
	// must not be sent on (to the parent, or as Basic credentials to a site
	// reached directly, which net/http's Transport would make of it).
	r.URL.User = nil
	hostport := withDefaultPort(r.URL.Host, r.URL.Scheme)
	dec, err := s.gen.Load().router.Route(r.Context(), hostport, r.URL.String())
	if err != nil {
		s.fail(w, r, failure.As(err, hostport))
		return
	}
	if dec.Direct {
		s.forwardDirect(w, r)
		return
	}
	o := parent.NewRequest(r, s.gen.Load().headers, s.via.Value)
	try, skipped := dec.TryList()
	var last *failure.Error
	for _, u := range try {
		resp, c, err := u.Do(r.Context(), o)
		if err != nil {
			last = failure.As(err, u.Addr())
			if last.Elsewhere {
				s.log.Debug("trying the next parent", "parent", u.Addr(), "err", last)
				continue
			}
			s.fail(w, r, last)
			return
		}
		if resp.StatusCode == http.StatusSwitchingProtocols {
			if o.Upgrade() == "" {
				// A protocol switch nobody asked for: passing it on would
				// leave the app's connection speaking an unknown protocol.
				c.Close()
				s.fail(w, r, &failure.Error{Cause: failure.ParentResponseBroken, Peer: u.Addr(),
					What: "parent proxy " + u.Addr() + " answered 101 Switching Protocols to a request that asked for no upgrade",
					Fix:  "this is a fault of the parent proxy's answer, not of the app; report it to the proxy's administrators"})
				return
			}
			s.upgrade(w, r, resp, c.NetConn(), c.Reader())
			return
		}
		nc := c.NetConn()
		src := &bodySource{nc: nc, br: c.Reader()}
		if resp.ContentLength >= 0 && int64(c.Reader().Buffered()) >= resp.ContentLength {
			// The whole body came with the head: reading it cannot stall,
			// so it needs no watch on the app or the parent, and there is
			// nothing to splice.
			nc, src = nil, nil
		}
		s.relayFromParent(w, r, resp, func(ok bool) {
			if ok {
				u.Put(c)
			} else {
				c.Close()
			}
		}, nc, src, u.Addr())
		return
	}
	if dec.FallbackDirect {
		s.log.Warn("no parent proxy reachable: going directly (direct_fallback)", "url", redactURL(r), "err", errText(last, errText(skipped, "every parent is down")))
		// A dead parent may have taken part of the body; it is kept
		// whole (Elsewhere), so the site gets it from the start.
		rd, err := o.Body()
		if err != nil {
			s.fail(w, r, failure.As(err, ""))
			return
		}
		if rd != nil {
			r.Body = io.NopCloser(rd)
		}
		s.forwardDirect(w, r)
		return
	}
	if last == nil {
		last = skipped
	}
	if last != nil {
		s.fail(w, r, last)
		return
	}
	s.fail(w, r, &failure.Error{Cause: failure.NoParentReachable, What: "no parent proxy is configured", Fix: "set parents in ferry's config"})
}

// errText is e's message, or def when there is no error.
func errText(e *failure.Error, def string) string {
	if e == nil {
		return def
	}
	return e.Error()
}

// fail answers the app with e and logs it.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, e *failure.Error) {
	if e.Cause == failure.ClientGone {
		// Still answer: if the app is in fact there, silence would become
		// an empty 200.
		s.log.Debug("app went away", "url", redactURL(r), "err", e)
		report.WriteError(w, r, e)
		return
	}
	s.log.Info("request failed", "method", r.Method, "url", redactURL(r), "cause", e.Cause.Name, "err", e.Error())
	report.WriteError(w, r, e)
}

// relayResponse sends the parent's (or origin's) response to the app,
// streaming the body. done reports whether the body was read to the end, so
// the connection can be reused. nc, if set, is closed when the app goes away
// mid-body so the read unblocks.
func (s *Server) relayResponse(w http.ResponseWriter, r *http.Request, resp *http.Response, done func(ok bool), nc net.Conn) {
	s.relayFrom(w, r, resp, done, nc, "", true)
}

// relayFrom is relayResponse for an answer from peer, a parent proxy or
// (parent false) a site reached directly, named when its body is broken
// from the start.
func (s *Server) relayFrom(w http.ResponseWriter, r *http.Request, resp *http.Response, done func(ok bool), nc net.Conn, peer string, parent bool) {
	s.relayBody(w, r, resp, done, nc, nil, peer, parent)
}

// relayFromParent is relayFrom for a response from parent proxy peer
// that came on src, whose body may be spliced to the app
// (forwardsplice.go).
func (s *Server) relayFromParent(w http.ResponseWriter, r *http.Request, resp *http.Response, done func(ok bool), nc net.Conn, src *bodySource, peer string) {
	s.relayBody(w, r, resp, done, nc, src, peer, true)
}

func (s *Server) relayBody(w http.ResponseWriter, r *http.Request, resp *http.Response, done func(ok bool), nc net.Conn, src *bodySource, peer string, parent bool) {
	var stop func() bool
	if nc != nil {
		stop = context.AfterFunc(r.Context(), func() { _ = nc.SetReadDeadline(aLongTimeAgo) })
	}
	var body io.Reader = resp.Body
	if nc != nil {
		// A parent that stops sending mid-body must not hold the app
		// forever: reading renews the response timeout as it goes.
		body = &idleReader{r: resp.Body, nc: nc, timeout: s.gen.Load().set.headerTimeout}
	}
	// The first piece is read before the head goes out (the app would not
	// see the head any sooner: it leaves with the first piece), so that a
	// body broken from its start, such as a chunk size that overflows, gets
	// an answer that says so instead of an empty reply.
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	first := firstPiece{r: body}
	if err := first.read(*bp); err != nil && r.Context().Err() == nil {
		if stop != nil {
			stop()
		}
		done(false)
		resp.Body.Close()
		s.fail(w, r, brokenBodyError(err, peer, parent))
		return
	}
	hop.CopyEndToEnd(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	spliced, err := spliceBody(w, r, resp, src, &first, s.gen.Load().set.headerTimeout)
	if !spliced {
		_, err = copyFlush(w, &first, streaming(resp))
	}
	if stop != nil && !stop() {
		err = errors.Join(err, r.Context().Err())
	}
	// done first: on a failure it closes the connection, and only then may
	// the body be closed, since closing an unfinished body reads it to the
	// end (a gigabyte download the app abandoned).
	done(err == nil)
	if !spliced {
		// A spliced body is past net/http's reader, which would take
		// the next response's bytes for the rest of this one.
		resp.Body.Close()
	}
	if err != nil {
		s.log.Debug("response cut short", "url", redactURL(r), "err", err)
		// Abort the app's connection: finishing normally would make a
		// truncated chunked body look complete.
		panic(http.ErrAbortHandler)
	}
}

// aLongTimeAgo unblocks a pending read at once.
var aLongTimeAgo = time.Unix(1, 0)

var bufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyFlush copies src to the app, and sends what it has whenever src has
// nothing more at once: a read that did not fill the buffer took all the
// sender had sent so far, so the next read would wait, and bytes held back
// meanwhile would reach the app late (a Content-Length response arriving
// 100 bytes a second came in lumps, seconds apart: progress output, logs
// followed over HTTP and long polls stalled). A bulk download keeps filling
// the buffer and is written straight through ferry's 4 KB writer, so the
// flushes cost it nothing. A streamed response (no length, or server-sent
// events) is flushed after every read, and the first piece always goes out
// at once, so the app sees the head without waiting.
func copyFlush(w http.ResponseWriter, src io.Reader, flush bool) (int64, error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	rc := http.NewResponseController(w)
	var total int64
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return total, werr
			}
			first := total == 0
			total += int64(n)
			if flush || first || n < len(buf) {
				if err := rc.Flush(); err != nil {
					return total, err
				}
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// streaming reports whether a response should reach the app piece by piece.
func streaming(resp *http.Response) bool {
	if resp.ContentLength < 0 {
		return true
	}
	ct := resp.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "text/event-stream") || strings.HasPrefix(ct, "application/x-ndjson")
}

// withDefaultPort adds the scheme's port to a host that has none.
func withDefaultPort(host, scheme string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	port := "80"
	if scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}

// redactURL is the URL for logs: no user info, no query (tokens live there).
func redactURL(r *http.Request) string {
	if r.Method == http.MethodConnect {
		return r.Host
	}
	u := *r.URL
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}

// idleReader renews a read deadline before each read, so only silence
// longer than timeout fails, not a long transfer.
type idleReader struct {
	r       io.Reader
	nc      net.Conn
	timeout time.Duration
	set     time.Time // when the deadline was last renewed
}

func (i *idleReader) Read(p []byte) (int, error) {
	// Renewing the deadline costs a timer update: a few times per timeout
	// (at most once a second) is enough.
	if now := time.Now(); now.Sub(i.set) > min(time.Second, i.timeout/4) {
		i.set = now
		_ = i.nc.SetReadDeadline(now.Add(i.timeout))
	}
	return i.r.Read(p)
}

// firstPiece is a body whose first read was made ahead of the rest.
type firstPiece struct {
	r    io.Reader
	buf  []byte
	err  error
	done bool
}

// read makes the first read into buf (which must outlive the reads of f);
// it returns its error, unless the body simply ended.
func (f *firstPiece) read(buf []byte) error {
	n, err := f.r.Read(buf)
	f.buf, f.err = buf[:n], err
	if err == io.EOF {
		return nil
	}
	if n > 0 {
		return nil // the error comes with the rest
	}
	return err
}

func (f *firstPiece) Read(p []byte) (int, error) {
	if !f.done {
		if len(f.buf) > 0 {
			n := copy(p, f.buf)
			f.buf = f.buf[n:]
			return n, nil
		}
		f.done = true
		if f.err != nil {
			return 0, f.err
		}
	}
	return f.r.Read(p)
}

// brokenBodyError is a response body that failed before its first byte:
// the fault of the answer, from the parent proxy or the site.
func brokenBodyError(err error, peer string, parent bool) *failure.Error {
	who := "the parent proxy"
	if peer != "" {
		who = "parent proxy " + peer
	}
	fix := "this is a fault of the parent proxy's answer (or of the site behind it), not of the app; try again, and if it keeps happening report it to the proxy's administrators"
	if !parent {
		who = "site " + peer
		fix = "this is a fault of the site's answer, not of the app or the parent proxy; try again later"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		if !parent {
			return &failure.Error{Cause: failure.OriginUnreachable, Peer: peer, What: who + " sent a response head and then nothing", Err: err, Fix: fix, Direct: true}
		}
		return &failure.Error{Cause: failure.ParentTimeout, Peer: peer, What: who + " sent a response head and then nothing", Err: err, Fix: fix}
	}
	return &failure.Error{Cause: failure.ParentResponseBroken, Peer: peer, What: who + " sent a response whose body is broken", Err: err, Fix: fix, Direct: !parent}
}
