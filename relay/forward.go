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
)

// newOutRequest prepares an app's absolute-form request for the parent.
// The app's header is not copied: writeHead leaves out what must not go on.
func newOutRequest(r *http.Request, extra http.Header) *outRequest {
	upgrade, listed := hopInfo(r.Header)
	o := &outRequest{method: r.Method, target: r.URL.String(), host: r.Host, header: r.Header,
		listed: listed, extra: extra, upgrade: upgrade}
	if r.Host == "" {
		o.host = r.URL.Host
	}
	length := r.ContentLength
	if length < 0 && len(r.TransferEncoding) == 0 {
		length = 0
	}
	o.body = newBody(r.Body, length)
	return o
}

// serveForward relays an absolute-form request (GET http://...).
func (s *Server) serveForward(w http.ResponseWriter, r *http.Request) {
	if r.URL.Scheme != "http" && r.URL.Scheme != "https" {
		writeErrorPage(w, r, &Error{Cause: CauseBadRequest, What: "ferry relays http:// URLs and CONNECT only, not " + r.URL.Scheme + "://",
			Fix: "use ferry as an HTTP proxy for http and https URLs"})
		return
	}
	hostport := withDefaultPort(r.URL.Host, r.URL.Scheme)
	dec, err := s.gen.Load().router.Route(r.Context(), hostport, r.URL.String())
	if err != nil {
		writeErrorPage(w, r, asError(err, hostport))
		return
	}
	if dec.Direct {
		s.forwardDirect(w, r)
		return
	}
	o := newOutRequest(r, s.gen.Load().headers)
	try, skipped := dec.tryList()
	var last *Error
	for _, u := range try {
		resp, c, err := u.roundTrip(r.Context(), o)
		if err != nil {
			last = asError(err, u.addr)
			if last.elsewhere {
				s.log.Debug("trying the next parent", "parent", u.addr, "err", last)
				continue
			}
			s.fail(w, r, last)
			return
		}
		if resp.StatusCode == http.StatusSwitchingProtocols {
			s.upgrade(w, r, resp, c.nc, c.br)
			return
		}
		nc := c.nc
		if resp.ContentLength >= 0 && int64(c.br.Buffered()) >= resp.ContentLength {
			// The whole body came with the head: reading it cannot stall,
			// so it needs no watch on the app or the parent.
			nc = nil
		}
		s.relayResponse(w, r, resp, func(ok bool) {
			if ok {
				u.put(c)
			} else {
				c.close()
			}
		}, nc)
		return
	}
	if dec.FallbackDirect {
		s.log.Warn("no parent proxy reachable: going directly (direct_fallback)", "url", redactURL(r), "err", errText(last, errText(skipped, "every parent is down")))
		if o.body != nil {
			// A dead parent may have taken part of the body; it is kept
			// whole (elsewhere), so the site gets it from the start.
			rd, err := o.body.reader()
			if err != nil {
				s.fail(w, r, asError(err, ""))
				return
			}
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
	s.fail(w, r, &Error{Cause: CauseNoParentReachable, What: "no parent proxy is configured", Fix: "set parents in ferry's config"})
}

// errText is e's message, or def when there is no error.
func errText(e *Error, def string) string {
	if e == nil {
		return def
	}
	return e.Error()
}

// fail answers the app with e and logs it.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, e *Error) {
	if e.Cause == CauseClientGone {
		// Still answer: if the app is in fact there, silence would become
		// an empty 200.
		s.log.Debug("app went away", "url", redactURL(r), "err", e)
		writeErrorPage(w, r, e)
		return
	}
	s.log.Info("request failed", "method", r.Method, "url", redactURL(r), "cause", string(e.Cause), "err", e.Error())
	writeErrorPage(w, r, e)
}

// relayResponse sends the parent's (or origin's) response to the app,
// streaming the body. done reports whether the body was read to the end, so
// the connection can be reused. nc, if set, is closed when the app goes away
// mid-body so the read unblocks.
func (s *Server) relayResponse(w http.ResponseWriter, r *http.Request, resp *http.Response, done func(ok bool), nc net.Conn) {
	copyEndToEnd(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
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
	_, err := copyFlush(w, body, streaming(resp))
	if stop != nil && !stop() {
		err = errors.Join(err, r.Context().Err())
	}
	// done first: on a failure it closes the connection, and only then may
	// the body be closed, since closing an unfinished body reads it to the
	// end (a gigabyte download the app abandoned).
	done(err == nil)
	resp.Body.Close()
	if err != nil {
		s.log.Debug("response cut short", "url", redactURL(r), "err", err)
		// Abort the app's connection: finishing normally would make a
		// truncated chunked body look complete.
		panic(http.ErrAbortHandler)
	}
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyFlush copies src to the app. A streamed response (no length, or
// server-sent events) is flushed after each read so that it arrives as it
// comes; a response of known length is flushed once, after its first piece,
// and then left to net/http's buffering, which saves a write per read on
// big downloads.
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
			// The first piece always goes out at once, so the app sees the
			// response head without waiting for a buffer to fill.
			first := total == 0
			total += int64(n)
			if flush || first {
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
