package relay

import (
	"context"
	"errors"
	"os"

	"github.com/ferryproxy/ferry/internal/httpserve"
	"github.com/ferryproxy/ferry/relay/failure"
)

// malformedBody reports whether err, from reading the app's request body,
// is a broken framing (a malformed chunk) rather than the app going away or
// stalling.
func malformedBody(err error) bool {
	return err != nil && !httpserve.ClientGone(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, os.ErrDeadlineExceeded)
}

// badBodyError blames a malformed request body on the app, which sent it.
func badBodyError(err error, peer string) *failure.Error {
	return &failure.Error{Cause: failure.AppRequestBroken, Peer: peer, What: "the app's request body is malformed", Err: err,
		Fix: "this is a fault of the app's request, not of the parent proxy or the site; check the app's chunked upload"}
}
