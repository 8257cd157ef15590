package rawio

import (
	"errors"
	"io"
)

// ErrLimit is what a HeadLimit returns at its limit when it has no Err.
var ErrLimit = errors.New("read limit reached")

// HeadLimit bounds what a bufio.Reader on top of it may read while a
// message head is read: net/http's ReadRequest and ReadResponse have no
// bound of their own, and a broken or hostile peer could otherwise make
// ferry buffer without end. Reads fail with Err (ErrLimit when nil) once
// Left reaches zero; Left < 0 means no limit.
type HeadLimit struct {
	R    io.Reader
	Left int64
	Err  error
}

func (h *HeadLimit) Read(p []byte) (int, error) {
	if h.Left == 0 {
		if h.Err == nil {
			return 0, ErrLimit
		}
		return 0, h.Err
	}
	if h.Left > 0 && int64(len(p)) > h.Left {
		p = p[:h.Left]
	}
	n, err := h.R.Read(p)
	if h.Left > 0 {
		h.Left -= int64(n)
	}
	return n, err
}
