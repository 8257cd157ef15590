package parent

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httputil"
	"slices"
	"strconv"
	"strings"

	"github.com/ferryproxy/ferry/internal/hop"
)

// Request is a request as ferry sends it to a parent: absolute-form (or
// authority-form for CONNECT), hop-by-hop headers removed, the body streamed
// from the app. NewRequest and NewConnect make one.
type Request struct {
	method  string
	target  string      // request-target: absolute URI, or host:port for CONNECT
	host    string      // Host header
	header  http.Header // the app's, as it came: not changed, filtered as it is written
	listed  []string    // names the app's Connection header made hop-by-hop
	extra   http.Header // configured headers; they replace the app's of the same name
	body    *body       // nil when the request has none
	upgrade string      // protocol to carry in Upgrade, if any
	via     string      // ferry's own Via entry, after the app's (RFC 9110 7.6.3)
	// expect asks the parent for 100-continue before the body, on a leg
	// that carries a body ferry cannot send twice and the parent may
	// still refuse (see trip.guarded).
	expect bool
}

// NewRequest prepares an app's absolute-form request for the parent. The
// app's header is not copied, nor changed: what must not go on (hop-by-hop
// headers, the app's own Proxy-Authorization) is left out as it is written.
// extra are headers to add (they replace the app's of the same name), via
// is the relay's own Via entry, if any.
func NewRequest(r *http.Request, extra http.Header, via string) *Request {
	upgrade, listed := hop.Info(r.Header)
	o := &Request{method: r.Method, target: r.URL.String(), host: r.Host, header: r.Header,
		listed: listed, extra: extra, upgrade: upgrade, via: via}
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

// NewConnect prepares a CONNECT to hostport, with the app's User-Agent (if
// any), extra headers and the relay's Via entry.
func NewConnect(hostport, userAgent string, extra http.Header, via string) *Request {
	h := http.Header{}
	if userAgent != "" {
		h["User-Agent"] = []string{userAgent}
	}
	return &Request{method: http.MethodConnect, target: hostport, host: hostport, header: h, extra: extra, via: via}
}

// head is o as a HEAD for the same URL, with only its User-Agent: a
// question to the parent that carries no body and no credentials (probe,
// askOwn407).
func (o *Request) head() *Request {
	p := &Request{method: http.MethodHead, target: o.target, host: o.host, header: http.Header{}, extra: o.extra, via: o.via}
	if ua := o.header.Get("User-Agent"); ua != "" {
		p.header.Set("User-Agent", ua)
	}
	return p
}

// Upgrade is the protocol the request asks to switch to (Upgrade:
// websocket), or "".
func (o *Request) Upgrade() string { return o.upgrade }

// Body returns the request body from its start, for sending it elsewhere
// after a parent failed with Elsewhere set (the body was kept whole); nil
// when the request has none.
func (o *Request) Body() (io.Reader, error) {
	if o.body == nil {
		return nil, nil
	}
	return o.body.reader()
}

// skip reports whether the app's header name stays behind: hop-by-hop
// headers, headers the configuration replaces, and the framing that
// writeHead does itself. ferry answers 100-continue to the app itself
// (internal/httpserve does when the body is first read), so the parent must not
// wait for one; ferry asks the parent for one itself when the body must
// not be lost (Request.expect).
func (o *Request) skip(name string) bool {
	switch name {
	case "Expect", "Content-Length", "Host":
		return true
	}
	if hop.Is(name) || slices.Contains(o.listed, name) {
		return true
	}
	_, replaced := o.extra[name]
	return replaced
}

// wantsLengthZero reports whether a bodyless request still says
// Content-Length: 0, as methods that usually carry a body should.
func (o *Request) wantsLengthZero() bool {
	switch o.method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return false
}

// writeHead writes the request line and headers. withBody says whether this
// leg carries the body; a handshake leg of a request with a body says
// Content-Length: 0 instead, as curl does. The client's connection semantics
// (Connection: close, HTTP/1.0) never reach the parent: upstream connections
// are always keep-alive so that NTLM can finish on them.
func (o *Request) writeHead(w *bufio.Writer, proxyAuth string, withBody bool) error {
	w.WriteString(o.method)
	w.WriteByte(' ')
	w.WriteString(o.target)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(o.host)
	w.WriteString("\r\n")
	for k, vv := range o.header {
		if !o.skip(k) {
			writeHeaderLines(w, k, vv)
		}
	}
	for k, vv := range o.extra {
		writeHeaderLines(w, k, vv)
	}
	if o.via != "" {
		writeHeaderLines(w, "Via", []string{o.via})
	}
	if o.upgrade != "" {
		w.WriteString("Connection: Upgrade\r\nUpgrade: ")
		w.WriteString(headerValueReplacer.Replace(o.upgrade))
		w.WriteString("\r\n")
	}
	switch {
	case o.body != nil && withBody && o.body.length >= 0:
		w.WriteString("Content-Length: ")
		w.WriteString(strconv.FormatInt(o.body.length, 10))
		w.WriteString("\r\n")
	case o.body != nil && withBody:
		w.WriteString("Transfer-Encoding: chunked\r\n")
	case o.body != nil || o.wantsLengthZero():
		w.WriteString("Content-Length: 0\r\n")
	}
	if o.expect && withBody {
		w.WriteString("Expect: 100-continue\r\n")
	}
	if proxyAuth != "" {
		w.WriteString("Proxy-Authorization: ")
		w.WriteString(proxyAuth)
		w.WriteString("\r\n")
	}
	_, err := w.WriteString("\r\n")
	return err
}

func writeHeaderLines(w *bufio.Writer, name string, values []string) {
	for _, v := range values {
		w.WriteString(name)
		w.WriteString(": ")
		w.WriteString(headerValueReplacer.Replace(v))
		w.WriteString("\r\n")
	}
}

// headerValueReplacer keeps a header value from splitting the head.
var headerValueReplacer = strings.NewReplacer("\r", " ", "\n", " ")

// writeBody streams the body (from its start if it is replayed). Failures
// reading from the app come back as *bodyError, failures writing to the
// parent as they are.
func (o *Request) writeBody(w *bufio.Writer) error {
	r, err := o.body.reader()
	if err != nil {
		return err
	}
	if o.body.length >= 0 {
		n, err := io.Copy(w, io.LimitReader(r, o.body.length))
		if err != nil {
			return err
		}
		if n < o.body.length {
			return &bodyError{io.ErrUnexpectedEOF}
		}
		return nil
	}
	cw := httputil.NewChunkedWriter(w)
	if _, err := io.Copy(cw, r); err != nil {
		return err
	}
	if err := cw.Close(); err != nil {
		return err
	}
	_, err = w.WriteString("\r\n")
	return err
}

// bodyError marks a failure reading the app's request body (the app went
// away), as opposed to writing to the parent.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "reading the request body from the app: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }
