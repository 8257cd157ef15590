package failure

import (
	"context"
	"errors"
	"io"
	"net"
	"os"

	"github.com/ferryproxy/ferry/internal/neterr"
)

// MalformedBody reports whether err, from reading the app's request body,
// is a broken framing (a malformed chunk) rather than the app going away or
// stalling.
func MalformedBody(err error) bool {
	return err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, net.ErrClosed) &&
		!neterr.IsTimeout(err) && !neterr.IsReset(err) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, os.ErrDeadlineExceeded)
}

// BadBody blames a malformed request body on the app, which sent it.
func BadBody(err error, peer string) *Error {
	return &Error{Cause: AppRequestBroken, Peer: peer, What: "the app's request body is malformed", Err: err,
		Fix: "this is a fault of the app's request, not of the parent proxy or the site; check the app's chunked upload"}
}
