package relay

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/internal/neterr"
	"github.com/ferryproxy/ferry/internal/rawio"
	"golang.org/x/net/http/httpguts"
)

// appConn is one app's connection to an HTTP listener. ferry serves it
// itself instead of through net/http's server: relaying a small request is
// one read from the app, one write up, one read back and one write down, and
// net/http's per-request machinery around that (a goroutine and an extra
// read for every request to notice the app leaving, response buffering
// through two layers) cost a quarter of ferry's CPU per request. Requests
// and responses are still net/http's types, parsed by http.ReadRequest, so
// handlers are ordinary http.Handlers.
type appConn struct {
	s       *Server
	handler http.Handler // the Server, but for tests
	nc      net.Conn
	remote  string
	cr      *connReader
	lim     *rawio.HeadLimit // bounds what br may read while a request head is read
	rec     *headRecorder
	br      *bufio.Reader
	bw      *bufio.Writer
	// ctx is every request's context on this connection: cancelled when the
	// app is seen to leave, or when the connection ends.
	ctx    context.Context
	cancel context.CancelFunc
	opts   appOptions
	// unread means the app may still be sending what ferry will not read:
	// closing must not reset the connection before it reads the answer.
	unread bool
	// closeAfter means the request's framing was suspect (RFC 9112 section
	// 6.1): the connection ends after its answer.
	closeAfter bool
}

// appOptions are the app-side limits, fixed when the Server is built.
type appOptions struct {
	idleTimeout   time.Duration // between requests
	headerTimeout time.Duration // to read a request head
	maxHead       int64         // bytes of request line and headers
}

// maxDiscard is how much of a request body the handler left unread ferry
// reads away to keep the connection; past it, the connection closes.
const maxDiscard = 256 << 10

// aLongTimeAgo unblocks a pending read at once.
var aLongTimeAgo = time.Unix(1, 0)

func newAppConn(s *Server, nc net.Conn, opts appOptions) *appConn {
	c := &appConn{s: s, handler: s, nc: nc, remote: nc.RemoteAddr().String(), opts: opts}
	// The local address, as net/http's server gives it: error pages name
	// the listener the app reached (http_proxy=http://ADDRESS).
	c.ctx, c.cancel = context.WithCancel(context.WithValue(context.Background(), http.LocalAddrContextKey, nc.LocalAddr()))
	rd, wr := rawio.Split(nc)
	c.cr = &connReader{nc: nc, rd: rd, cancel: c.cancel}
	c.rec = &headRecorder{r: c.cr}
	c.lim = &rawio.HeadLimit{R: c.rec, Left: -1}
	c.br = bufio.NewReaderSize(c.lim, 4<<10)
	c.cr.buffered = c.br.Buffered
	c.bw = bufio.NewWriterSize(wr, 4<<10)
	return c
}

// serve reads and answers requests until the app or ferry ends the
// connection, or a handler takes it over (CONNECT, WebSocket).
func (c *appConn) serve(set *appConns) {
	hijacked := false
	defer func() {
		c.cancel()
		if !hijacked {
			if c.unread {
				closeWriteAndDrain(c.nc)
			}
			c.nc.Close()
			set.remove(c)
		}
	}()
	for {
		if !set.idle(c) {
			return
		}
		c.setReadDeadline(c.opts.idleTimeout)
		if _, err := c.br.Peek(1); err != nil {
			return
		}
		if !set.active(c) {
			return
		}
		if !c.headBuffered() {
			c.setReadDeadline(c.opts.headerTimeout)
		}
		req, err := c.readRequest()
		if err != nil {
			c.refuse(err)
			return
		}
		// The read deadline stays until something reads again (the body,
		// the watch, a tunnel): a request without a body answered at once,
		// the common case, then costs one deadline change, not three.
		c.cr.deadline = true
		var keep bool
		keep, hijacked = c.serveRequest(req, set)
		if !keep {
			return
		}
	}
}

// setReadDeadline bounds the next reads to d from now.
func (c *appConn) setReadDeadline(d time.Duration) {
	c.cr.deadline = false
	_ = c.nc.SetReadDeadline(time.Now().Add(d))
}

// headBuffered reports whether a whole request head has arrived already,
// so that reading it needs no deadline.
func (c *appConn) headBuffered() bool {
	b, _ := c.br.Peek(c.br.Buffered())
	return bytes.Contains(b, []byte("\r\n\r\n"))
}

// requestError is a request ferry cannot read; status 0 means the app went
// away or stalled, and gets no answer.
type requestError struct {
	status int
	what   string
}

func (e *requestError) Error() string { return e.what }

func (c *appConn) readRequest() (*http.Request, error) {
	c.lim.Left = c.opts.maxHead + 4096 // bufio may read ahead of the head
	// The head as sent, for checkFraming: in the buffer already (the common
	// case, which costs no copy), or recorded as it is read.
	head, _ := c.br.Peek(c.br.Buffered())
	whole := bytes.Contains(head, []byte("\r\n\r\n")) || bytes.Contains(head, []byte("\n\n"))
	if !whole {
		c.rec.buf = append(c.rec.buf[:0], head...)
		c.rec.on = true
	}
	c.cr.err = nil
	req, err := http.ReadRequest(c.br)
	hit := c.lim.Left == 0
	c.lim.Left = -1
	if !whole {
		head, c.rec.on = c.rec.buf, false
	}
	var ne net.Error
	switch {
	case err != nil && errors.As(c.cr.err, &ne) && ne.Timeout():
		// Part of a head came, the rest not in time (http.ReadRequest may
		// report the cut-off line as malformed instead of the timeout).
		return nil, &requestError{http.StatusRequestTimeout, "the app sent only part of the request head within " +
			c.opts.headerTimeout.String() + " (timeouts.read_header)"}
	case err != nil && hit:
		return nil, &requestError{http.StatusRequestHeaderFieldsTooLarge, "the request line and headers are larger than ferry's limit of " +
			strconv.FormatInt(c.opts.maxHead>>10, 10) + " KB (limits.max_header_bytes)"}
	case err != nil && isCommonReadError(err):
		return nil, &requestError{0, err.Error()}
	case err != nil && strings.Contains(err.Error(), "unsupported transfer encoding"):
		return nil, &requestError{http.StatusNotImplemented, "the request's Transfer-Encoding is not one ferry knows (only chunked is)"}
	case err != nil:
		return nil, &requestError{http.StatusBadRequest, "the request is not valid HTTP/1.1: " + err.Error()}
	}
	if req.ProtoMajor != 1 {
		return nil, &requestError{http.StatusHTTPVersionNotSupported, "ferry speaks HTTP/1.0 and HTTP/1.1 to apps, not " + req.Proto}
	}
	// The checks net/http's server makes beyond parsing (RFC 9112 section
	// 3.2): a well-formed Host (http.ReadRequest moved the header there),
	// header fields without control characters, which could smuggle a
	// second request upstream.
	if req.ProtoAtLeast(1, 1) && req.Host == "" && req.Method != http.MethodConnect {
		return nil, &requestError{http.StatusBadRequest, "the request has no Host header, which HTTP/1.1 requires"}
	}
	if !httpguts.ValidHostHeader(req.Host) {
		return nil, &requestError{http.StatusBadRequest, "the request's Host header is malformed"}
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return nil, &requestError{http.StatusBadRequest, "the request has an invalid header name"}
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return nil, &requestError{http.StatusBadRequest, "the request's " + k + " header has an invalid value"}
			}
		}
	}
	closeAfter, err := checkFraming(req, head)
	if err != nil {
		return nil, err
	}
	c.closeAfter = closeAfter
	if cap(c.rec.buf) > 4<<10 {
		c.rec.buf = nil // a rare large head: an idle connection keeps no buffer for it
	}
	req.RemoteAddr = c.remote
	return req.WithContext(c.ctx), nil
}

// isCommonReadError is the app closing or stalling between requests or
// mid-head: nothing to answer.
func isCommonReadError(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		neterr.IsTimeout(err) || neterr.IsReset(err)
}

// refuse answers a request ferry could not read, and closes.
func (c *appConn) refuse(err error) {
	var re *requestError
	if !errors.As(err, &re) || re.status == 0 {
		return
	}
	c.s.log.Debug("bad request from an app", "client", c.remote, "status", re.status, "err", re.what)
	fix := "this is a bug in the app or in something between it and ferry; check that it is set to use ferry as an HTTP proxy."
	switch re.status {
	case http.StatusRequestTimeout:
		fix = "try again; if it keeps happening, the app or the network between it and ferry is stalling."
	case http.StatusRequestHeaderFieldsTooLarge:
		fix = "make the request's headers smaller (often a large cookie), or raise limits.max_header_bytes in ferry's config."
	}
	body := "ferry could not read this request: " + re.what + ".\n" +
		"Whose fault: the app's request; nothing was sent to the parent proxy or the site.\n" +
		"What to do: " + fix + "\n" +
		"(status " + strconv.Itoa(re.status) + ")\n"
	_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	writeRefusal(c.nc, re.status, "", body)
	// The app may still be sending (the rest of a head too large, or of a
	// request that could not be parsed): closing with unread bytes would
	// reset the connection before it reads the answer.
	closeWriteAndDrain(c.nc)
}

// writeRefusal writes a whole plain-text answer that closes the
// connection, for the refusals ferry makes before (or instead of) reading a
// request; header holds extra fields, each ending in CRLF.
func writeRefusal(w io.Writer, status int, header, body string) {
	_, _ = io.WriteString(w, "HTTP/1.1 "+strconv.Itoa(status)+" "+http.StatusText(status)+"\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n"+header+"Connection: close\r\n"+
		"Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
}

// closeWriteAndDrain half-closes and reads what the peer still sends, for
// up to half a second, so that closing does not reset the connection before
// the peer read the answer. An app still sending past 1 MB (a large upload
// answered early) is no longer read, but the close still waits out the half
// second, as net/http's server does: closing at once reset the connection
// while the app was writing, and an app busy writing (Go's client) could
// see the broken pipe before the answer that was already there.
func closeWriteAndDrain(nc net.Conn) {
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	deadline := time.Now().Add(500 * time.Millisecond)
	_ = nc.SetReadDeadline(deadline)
	if _, err := io.CopyN(io.Discard, nc, 1<<20); err == nil {
		time.Sleep(time.Until(deadline))
	}
}

// serveRequest runs the handler for req and finishes its response. keep
// says the connection can carry another request; hijacked that a handler
// took it over.
func (c *appConn) serveRequest(req *http.Request, set *appConns) (keep, hijacked bool) {
	w := newAppResponse(c, req)
	w.closeAfter = c.closeAfter
	var cont *continueReader
	if exp := req.Header.Get("Expect"); exp != "" {
		if !strings.EqualFold(exp, "100-continue") {
			w.closeAfter = true
			w.WriteHeader(http.StatusExpectationFailed)
			_ = w.finish()
			c.unread = req.ContentLength != 0
			return false, false
		}
		if req.ProtoAtLeast(1, 1) && req.ContentLength != 0 {
			cont = &continueReader{rc: req.Body, w: w}
			req.Body = cont
		}
	}
	// Watch for the app leaving once its request is all in: net/http
	// does this for every request, which costs a read and a goroutine
	// each; ferry starts the watch only when an answer takes a while.
	var hook *eofHook
	if req.Body == nil || req.Body == http.NoBody {
		c.cr.arm()
	} else {
		hook = &eofHook{rc: req.Body, onEOF: c.cr.arm}
		req.Body = hook
	}
	w.body, w.cont = hook, cont
	aborted := c.run(w, req)
	c.cr.disarm()
	if w.hijacked {
		return false, true
	}
	if aborted {
		return false, false
	}
	if err := w.finish(); err != nil {
		return false, false
	}
	if w.closeAfter || set.closing() {
		c.unread = hook != nil && !hook.eof
		return false, false
	}
	if !c.discardBody(hook, cont) {
		c.unread = true
		return false, false
	}
	return true, false
}

// run calls the handler; a panic aborts the connection, as in net/http
// (http.ErrAbortHandler quietly).
func (c *appConn) run(w *appResponse, req *http.Request) (aborted bool) {
	defer func() {
		if v := recover(); v != nil {
			aborted = true
			if v != http.ErrAbortHandler {
				c.s.log.Error("panic serving a request", "client", c.remote, "panic", v, "stack", string(debug.Stack()))
			}
		}
	}()
	c.handler.ServeHTTP(w, req)
	return false
}

// discardBody reads away what the handler left of the request body, so
// that the next request can be read; a large rest closes the connection.
func (c *appConn) discardBody(hook *eofHook, cont *continueReader) bool {
	if hook == nil || hook.eof {
		return true
	}
	if cont != nil && !cont.started {
		return false // the app waits for a 100 Continue it will not get
	}
	c.setReadDeadline(c.opts.headerTimeout)
	n, err := io.CopyN(io.Discard, hook.rc, maxDiscard+1) // not hook: no watch now
	return n <= maxDiscard && errors.Is(err, io.EOF)
}

// eofHook calls onEOF once the request body has been read to its end.
type eofHook struct {
	rc    io.ReadCloser
	onEOF func()
	eof   bool
}

func (h *eofHook) Read(p []byte) (int, error) {
	n, err := h.rc.Read(p)
	if err == io.EOF && !h.eof {
		h.eof = true
		h.onEOF()
	}
	return n, err
}

func (h *eofHook) Close() error { return h.rc.Close() }

// continueReader sends "100 Continue" when the handler first reads the body
// of a request that asked for it (Expect: 100-continue).
type continueReader struct {
	rc      io.ReadCloser
	w       *appResponse
	started bool
}

func (r *continueReader) Read(p []byte) (int, error) {
	if !r.started {
		r.started = true
		if !r.w.wroteHeader {
			_, _ = r.w.c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
			if err := r.w.c.bw.Flush(); err != nil {
				return 0, err
			}
		}
	}
	return r.rc.Read(p)
}

func (r *continueReader) Close() error { return r.rc.Close() }
