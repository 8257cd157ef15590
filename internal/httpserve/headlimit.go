package httpserve

import (
	"errors"
	"io"
)

// errHeadTooLarge is a request head over Options.MaxHeaderBytes; readRequest
// turns it into a 431.
var errHeadTooLarge = errors.New("request head too large")

// headLimit fails reads once left reaches zero; left < 0 means no limit.
// (relay's parent connections bound response heads with a twin of it.)
type headLimit struct {
	r    io.Reader
	left int64
}

func (h *headLimit) Read(p []byte) (int, error) {
	if h.left == 0 {
		return 0, errHeadTooLarge
	}
	if h.left > 0 && int64(len(p)) > h.left {
		p = p[:h.left]
	}
	n, err := h.r.Read(p)
	if h.left > 0 {
		h.left -= int64(n)
	}
	return n, err
}
