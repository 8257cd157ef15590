package httpserve

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/ferryproxy/ferry/internal/hop"
	"golang.org/x/net/http/httpguts"
)

// response is the http.ResponseWriter of a conn. The head is written
// when the body starts (or the handler returns, flushes or hijacks); a body
// of unknown length is sent chunked to HTTP/1.1 apps and ends the connection
// for HTTP/1.0 ones, and a short one the handler finished is sent with a
// Content-Length instead.
type response struct {
	c      *conn
	req    *http.Request
	header http.Header
	body   *eofHook        // the request body, if any
	cont   *continueReader // the request body, when it waits for 100 Continue

	status      int
	wroteHeader bool  // the handler set the status (WriteHeader or Write)
	committed   bool  // the head is in c.bw
	length      int64 // the Content-Length the head says; -1: none
	written     int64
	chunked     bool
	closeAfter  bool   // the connection ends after this response
	pending     []byte // body held back while its length may still be learnt
	hijacked    bool
	finished    bool
}

// holdBack is how much of a body of unknown length waits for the handler to
// finish before the head goes out chunked.
const holdBack = 4 << 10

var (
	errFinished = errors.New("httpserve: write after the response finished")
	// framingHeaders are written by response itself, not from the
	// handler's header.
	framingHeaders = map[string]bool{"Connection": true, "Transfer-Encoding": true, "Content-Length": true}
)

func newResponse(c *conn, req *http.Request) *response {
	return &response{c: c, req: req, header: make(http.Header), length: -1}
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.wroteHeader || w.hijacked || w.finished {
		return
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		// An informational answer (103 Early Hints) goes out at once,
		// and the final one follows.
		w.writeStatus(code)
		_ = w.header.Write(w.c.bw)
		_, _ = w.c.bw.WriteString("\r\n")
		_ = w.c.bw.Flush()
		return
	}
	w.wroteHeader = true
	w.status = code
	if cl := w.header.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.length = n
		}
	}
}

// bodyAllowed reports whether the status may carry a body (RFC 9110
// section 6.4.1).
func (w *response) bodyAllowed() bool {
	return w.status >= 200 && w.status != http.StatusNoContent && w.status != http.StatusNotModified
}

func (w *response) Write(p []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	if w.finished {
		return 0, errFinished
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.bodyAllowed() {
		return 0, http.ErrBodyNotAllowed
	}
	if w.req.Method == http.MethodHead {
		// Not sent, but counted: a short answer's HEAD says the length
		// its GET would have.
		w.written += int64(len(p))
		return len(p), nil
	}
	if w.length >= 0 && w.written+int64(len(p)) > w.length {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if !w.committed {
		if w.length < 0 && len(w.pending)+len(p) <= holdBack {
			w.pending = append(w.pending, p...)
			return len(p), nil
		}
		if err := w.commit(); err != nil {
			return 0, err
		}
	}
	return w.writeBody(p)
}

// writeBody writes p as the framing says, after what was held back.
func (w *response) writeBody(p []byte) (int, error) {
	if len(w.pending) > 0 {
		held := w.pending
		w.pending = nil
		if _, err := w.writeBody(held); err != nil {
			return 0, err
		}
	}
	if len(p) == 0 {
		return 0, nil
	}
	bw := w.c.bw
	if w.chunked {
		var hex [16]byte
		_, _ = bw.Write(strconv.AppendInt(hex[:0], int64(len(p)), 16))
		_, _ = bw.WriteString("\r\n")
	}
	n, err := bw.Write(p)
	if err == nil && w.chunked {
		_, err = bw.WriteString("\r\n")
	}
	return n, err
}

// commit writes the head, choosing the framing and whether the connection
// stays open.
func (w *response) commit() error {
	w.committed = true
	req := w.req
	keep := !w.closeAfter && !w.c.srv.closing() && !hop.HasToken(w.header, "Connection", "close")
	if req.ProtoAtLeast(1, 1) {
		keep = keep && !hop.HasToken(req.Header, "Connection", "close")
	} else {
		keep = keep && hop.HasToken(req.Header, "Connection", "keep-alive")
	}
	if w.body != nil && !w.body.eof && (req.ContentLength < 0 || req.ContentLength > maxDiscard) {
		keep = false // too much of the body left to read it away
	}
	if w.cont != nil && !w.cont.started {
		// The app may send the body after all, or may wait for a
		// 100 Continue that will not come: either way this connection
		// cannot carry another request.
		keep = false
	}
	hasBody := w.bodyAllowed() && req.Method != http.MethodHead
	if hasBody && w.length < 0 {
		if req.ProtoAtLeast(1, 1) {
			w.chunked = true
		} else {
			keep = false // the end of the body is the end of the connection
		}
	}
	w.closeAfter = !keep

	bw := w.c.bw
	w.writeStatus(w.status)
	dropInvalidFields(w.header)
	if err := w.header.WriteSubset(bw, framingHeaders); err != nil {
		return err
	}
	if _, ok := w.header["Date"]; !ok {
		var b [len(http.TimeFormat) + 8]byte
		_, _ = bw.WriteString("Date: ")
		_, _ = bw.Write(time.Now().UTC().AppendFormat(b[:0], http.TimeFormat))
		_, _ = bw.WriteString("\r\n")
	}
	if w.length >= 0 && (w.bodyAllowed() || req.Method == http.MethodHead) {
		_, _ = bw.WriteString("Content-Length: ")
		var b [20]byte
		_, _ = bw.Write(strconv.AppendInt(b[:0], w.length, 10))
		_, _ = bw.WriteString("\r\n")
	}
	if w.chunked {
		_, _ = bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	switch {
	case !keep:
		_, _ = bw.WriteString("Connection: close\r\n")
	case !req.ProtoAtLeast(1, 1):
		_, _ = bw.WriteString("Connection: keep-alive\r\n")
	}
	_, err := bw.WriteString("\r\n")
	return err
}

func (w *response) writeStatus(code int) {
	bw := w.c.bw
	if w.req.ProtoAtLeast(1, 1) {
		_, _ = bw.WriteString("HTTP/1.1 ")
	} else {
		_, _ = bw.WriteString("HTTP/1.0 ")
	}
	var b [3]byte
	_, _ = bw.Write(strconv.AppendInt(b[:0], int64(code), 10))
	text := http.StatusText(code)
	if text == "" {
		text = "status code " + strconv.Itoa(code)
	}
	_, _ = bw.WriteString(" ")
	_, _ = bw.WriteString(text)
	_, _ = bw.WriteString("\r\n")
}

// Flush sends the head and what the body has so far.
func (w *response) Flush() { _ = w.FlushError() }

// FlushError is Flush for http.ResponseController.
func (w *response) FlushError() error {
	if w.hijacked {
		return http.ErrHijacked
	}
	if w.finished {
		return errFinished
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		if err := w.commit(); err != nil {
			return err
		}
	}
	if _, err := w.writeBody(nil); err != nil {
		return err
	}
	return w.c.bw.Flush()
}

// finish ends the response after the handler returned.
func (w *response) finish() error {
	if w.finished {
		return nil
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		switch {
		case w.length >= 0 || !w.bodyAllowed():
		case w.req.Method != http.MethodHead:
			w.length = int64(len(w.pending))
		case w.written > 0 && w.written <= holdBack:
			w.length = w.written
		}
		if err := w.commit(); err != nil {
			return err
		}
	}
	w.finished = true
	if _, err := w.writeBody(nil); err != nil {
		return err
	}
	if w.chunked {
		_, _ = w.c.bw.WriteString("0\r\n\r\n")
	}
	if w.length >= 0 && w.written < w.length && w.bodyAllowed() && w.req.Method != http.MethodHead {
		// The handler wrote less than it announced: the app must not
		// take what follows for the rest of this body.
		w.closeAfter = true
	}
	return w.c.bw.Flush()
}

// Hijack hands the connection to the handler (CONNECT, WebSocket), with
// what the app already sent in the reader.
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked || w.finished {
		return nil, nil, http.ErrHijacked
	}
	c := w.c
	c.cr.disarm()
	if c.cr.hasByte {
		if _, err := c.br.Peek(c.br.Buffered() + 1); err != nil {
			return nil, nil, err
		}
	}
	if w.committed {
		if err := c.bw.Flush(); err != nil {
			return nil, nil, err
		}
	}
	w.hijacked = true
	c.cr.deadline = false
	_ = c.nc.SetDeadline(time.Time{})
	c.srv.hijacked(c)
	return c.nc, bufio.NewReadWriter(c.br, c.bw), nil
}

// dropInvalidFields deletes header fields an app could not parse (a control
// character in a value, a name that is not a token): one bad field must not
// make the whole answer unreadable. Fields from a parent were checked when
// its response was parsed; this guards what handlers set.
func dropInvalidFields(h http.Header) {
	for k, vv := range h {
		if !httpguts.ValidHeaderFieldName(k) {
			delete(h, k)
			continue
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				delete(h, k)
				break
			}
		}
	}
}
