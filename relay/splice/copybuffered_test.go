package splice

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// sizedReader serves chunks and records the buffer size each Read got.
type sizedReader struct {
	chunks [][]byte
	sizes  []int
}

func (r *sizedReader) Read(p []byte) (int, error) {
	r.sizes = append(r.sizes, len(p))
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	r.chunks[0] = r.chunks[0][n:]
	if len(r.chunks[0]) == 0 {
		r.chunks = r.chunks[1:]
	}
	return n, nil
}

// A direction waits with the small buffer, reads big while reads fill it,
// and goes back to small once it has caught up: an idle tunnel holds 2 KB
// per direction, not 32.
func TestCopyBufferedWaitsSmallReadsBig(t *testing.T) {
	bulk := bytes.Repeat([]byte("b"), 100<<10)
	src := &sizedReader{chunks: [][]byte{[]byte("hello"), bulk, []byte("bye")}}
	var dst bytes.Buffer
	if err := copyBuffered(&dst, src, nil); err != nil {
		t.Fatal(err)
	}
	if want := "hello" + string(bulk) + "bye"; dst.String() != want {
		t.Fatalf("copied %d bytes, want %d", dst.Len(), len(want))
	}
	big := 32 << 10
	// hello (small, short) | bulk: small full, then big x3 full, big short (caught up) | bye (small) | EOF (small)
	want := []int{smallBuf, smallBuf, big, big, big, big, smallBuf, smallBuf}
	if len(src.sizes) != len(want) {
		t.Fatalf("read sizes %v, want %v", src.sizes, want)
	}
	for i := range want {
		if src.sizes[i] != want[i] {
			t.Fatalf("read sizes %v, want %v", src.sizes, want)
		}
	}
}

func TestCopyBufferedIdleTimeout(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	act := &activity{idle: 100 * time.Millisecond}
	act.touch()
	go func() { _, _ = b.Write([]byte("x")) }()
	start := time.Now()
	if err := copyBuffered(io.Discard, a, act); err != errTunnelIdle {
		t.Fatalf("err %v, want errTunnelIdle", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 2*time.Second {
		t.Fatalf("ended after %s", d)
	}
}
