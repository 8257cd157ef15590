package httpserve

import (
	"bytes"
	"io"
	"net/http"
)

// ferry checks a request's framing on the head as the app sent it, because
// http.ReadRequest removes the fields that say it: Content-Length when
// Transfer-Encoding is chunked, and Transfer-Encoding altogether from an
// HTTP/1.0 request (which it then reads as having no body).

// headRecorder keeps the bytes read while a request head is read, when the
// head did not arrive whole in the buffer already.
type headRecorder struct {
	r   io.Reader
	on  bool
	buf []byte
}

func (h *headRecorder) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if h.on {
		h.buf = append(h.buf, p[:n]...)
	}
	return n, err
}

// headFields reports whether the head at the start of raw (ending at its
// first empty line) has a Content-Length and a Transfer-Encoding field.
// Field names are case-insensitive (RFC 9110 section 5.1).
func headFields(raw []byte) (contentLength, transferEncoding bool) {
	first := true
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if first {
			first = false
			continue
		}
		if len(line) == 0 {
			break
		}
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			contentLength = true
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			transferEncoding = true
		}
	}
	return contentLength, transferEncoding
}

// checkFraming applies RFC 9112 section 6.1 to a request http.ReadRequest
// accepted. A request with both Content-Length and Transfer-Encoding may be
// an attempt to smuggle a second request past a peer that honours the
// length: ferry forwards it by its chunked framing (ReadRequest already
// dropped the length), and closes the connection after the answer, so that
// no byte after the chunked body is read as a request. Transfer-Encoding in
// an HTTP/1.0 request means faulty framing: refused, where ReadRequest would
// read the body as the next request.
func checkFraming(req *http.Request, head []byte) (closeAfter bool, err error) {
	switch {
	case req.ProtoAtLeast(1, 1) && len(req.TransferEncoding) > 0:
		cl, _ := headFields(head)
		return cl, nil
	case !req.ProtoAtLeast(1, 1):
		if _, te := headFields(head); te {
			return false, &requestError{http.StatusBadRequest, "the request is HTTP/1.0 and has a Transfer-Encoding header, which HTTP/1.0 does not have (RFC 9112 section 6.1), so where its body ends is unclear"}
		}
	}
	return false, nil
}
