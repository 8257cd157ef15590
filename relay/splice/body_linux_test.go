package splice

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// Body stops at its count even when more is there (the next response on a
// pooled connection), and with no pipe to be had it goes on through a
// buffer, still stopping at the count.
func TestBodyStopsAtCount(t *testing.T) {
	for _, pipes := range []bool{true, false} {
		name := "pipes"
		if !pipes {
			name = "no descriptors"
		}
		t.Run(name, func(t *testing.T) {
			in, src := testenv.TCPPair(t)
			dst, out := testenv.TCPPair(t)
			data := bytes.Repeat([]byte("0123456789"), 50000)
			next := []byte("NEXT")
			go func() { _, _ = in.Write(append(append([]byte(nil), data...), next...)) }()
			var n int64
			var err error
			run := func() { n, err = Body(dst, src, int64(len(data)), 5*time.Second) }
			if pipes {
				run()
			} else {
				closePooledPipes()
				testenv.WithoutNewDescriptors(t, run)
			}
			if err != nil || n != int64(len(data)) {
				t.Fatalf("Body: %d bytes, %v; want %d", n, err, len(data))
			}
			_ = dst.CloseWrite()
			got, _ := io.ReadAll(out)
			if !bytes.Equal(got, data) {
				t.Fatalf("dst got %d bytes, want %d", len(got), len(data))
			}
			rest := make([]byte, 4)
			_ = src.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.ReadFull(src, rest); err != nil || !bytes.Equal(rest, next) {
				t.Fatalf("after the body src holds %q (%v), want %q", rest, err, next)
			}
		})
	}
}

// A source that ends early is io.ErrUnexpectedEOF; one that ends a body
// of unknown length (n < 0) is the body's end.
func TestBodyEndOfSource(t *testing.T) {
	for _, n := range []int64{1 << 20, -1} {
		in, src := testenv.TCPPair(t)
		dst, out := testenv.TCPPair(t)
		go func() { _, _ = io.Copy(io.Discard, out) }()
		go func() { _, _ = in.Write(make([]byte, 1000)); _ = in.CloseWrite() }()
		got, err := Body(dst, src, n, 5*time.Second)
		want := error(nil)
		if n > 0 {
			want = io.ErrUnexpectedEOF
		}
		if got != 1000 || !errors.Is(err, want) && err != want {
			t.Fatalf("n %d: Body moved %d, err %v; want 1000, %v", n, got, err, want)
		}
	}
}
