package httpserve

import (
	"errors"
	"net"
	"net/http"
)

// ErrNoRawBody means a response's body cannot go onto the app's socket as
// it is: ferry frames it itself (chunked), it has no body (HEAD, 204, 304),
// or the app's connection is not plain TCP. The handler writes the body as
// usual instead; nothing was written.
var ErrNoRawBody = errors.New("httpserve: this response's body must be written through the ResponseWriter")

// RawBodyWriter is implemented by the http.ResponseWriter that handlers
// get: it lets a handler move the rest of a body onto the app's socket
// itself (relay's plain-HTTP downloads splice it from the parent's socket
// with splice(2), which saves two copies through user space per byte).
type RawBodyWriter interface {
	// RawBody sends the head and the body written so far, then calls send
	// with the app's connection and how many bytes the body may still
	// carry (-1: until the connection closes, for an HTTP/1.0 app that
	// reads to the end). send returns how many it wrote, which count as
	// written: fewer than the head's Content-Length close the connection
	// after the response, as for Write. RawBody returns ErrNoRawBody,
	// without calling send, when the body must go through Write.
	RawBody(send func(dst *net.TCPConn, left int64) (int64, error)) (int64, error)
}

var _ RawBodyWriter = (*response)(nil)

// RawBody is RawBodyWriter's.
func (w *response) RawBody(send func(dst *net.TCPConn, left int64) (int64, error)) (int64, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	if w.finished {
		return 0, errFinished
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	tc, ok := w.c.nc.(*net.TCPConn)
	if !ok || !w.bodyAllowed() || w.req.Method == http.MethodHead {
		return 0, ErrNoRawBody
	}
	if !w.committed {
		if err := w.commit(); err != nil {
			return 0, err
		}
	}
	if w.chunked {
		return 0, ErrNoRawBody
	}
	left := int64(-1)
	if w.length >= 0 {
		left = w.length - w.written
	}
	if _, err := w.writeBody(nil); err != nil {
		return 0, err
	}
	if err := w.c.bw.Flush(); err != nil {
		return 0, err
	}
	if left == 0 {
		return 0, nil
	}
	n, err := send(tc, left)
	w.written += n
	return n, err
}
