package parent

import (
	"errors"
	"io"
)

// ReplayLimit is how much of a request body the client keeps so that it can send
// the body again when a parent answers a leg with a 407 after taking it (a
// stale Digest nonce, a pooled connection the parent dropped). Larger bodies
// are streamed once and never held whole.
const ReplayLimit = 64 << 10

// errBodyConsumed means a body larger than ReplayLimit was already sent once
// and cannot be sent again.
var errBodyConsumed = errors.New("request body was already sent and is too large to send again")

// body is a request body that can be replayed while it stays small.
type body struct {
	src    io.Reader
	length int64 // -1 when unknown (sent chunked)
	kept   []byte
	read   int64 // bytes taken from src
	eof    bool
}

func newBody(src io.Reader, length int64) *body {
	if src == nil || length == 0 {
		return nil
	}
	return &body{src: src, length: length}
}

// replayable reports whether the whole body sent so far can be sent again.
func (b *body) replayable() bool {
	return b == nil || b.read == int64(len(b.kept))
}

// fitsReplay reports whether the whole body is small enough to keep.
func (b *body) fitsReplay() bool {
	return b == nil || (b.length >= 0 && b.length <= ReplayLimit)
}

// reader returns a reader for the body from its start, valid while replayable.
func (b *body) reader() (io.Reader, error) {
	if !b.replayable() {
		return nil, errBodyConsumed
	}
	return io.MultiReader(&keptReader{b: b}, &recorder{b: b}), nil
}

type keptReader struct {
	b   *body
	off int
}

func (k *keptReader) Read(p []byte) (int, error) {
	if k.off >= len(k.b.kept) {
		return 0, io.EOF
	}
	n := copy(p, k.b.kept[k.off:])
	k.off += n
	return n, nil
}

// recorder reads from src and keeps what it read while under ReplayLimit.
type recorder struct{ b *body }

func (r *recorder) Read(p []byte) (int, error) {
	b := r.b
	if b.eof {
		return 0, io.EOF
	}
	n, err := b.src.Read(p)
	if n > 0 {
		if b.read == int64(len(b.kept)) && len(b.kept)+n <= ReplayLimit {
			b.kept = append(b.kept, p[:n]...)
		}
		b.read += int64(n)
	}
	if err == io.EOF {
		b.eof = true
	} else if err != nil {
		err = &bodyError{err}
	}
	return n, err
}
