//go:build linux

package splice

import (
	"bytes"
	"crypto/rand"
	"io"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
	"golang.org/x/sys/unix"
)

func TestSpliceConnsCopiesEverythingThenEOF(t *testing.T) {
	testenv.CheckLeaks(t, PooledDescriptors)
	in, src := testenv.TCPPair(t)
	dst, out := testenv.TCPPair(t)
	data := make([]byte, 8<<20+123)
	_, _ = rand.Read(data)
	done := make(chan error, 1)
	go func() { done <- spliceConns(dst, src, nil) }()
	go func() {
		// In pieces with pauses, so the copy goes idle (and gives its
		// pipe back) between bursts.
		for off := 0; off < len(data); off += 1 << 20 {
			_, _ = in.Write(data[off:min(off+1<<20, len(data))])
			time.Sleep(5 * time.Millisecond)
		}
		_ = in.CloseWrite()
	}()
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(out)
		got <- b
	}()
	if err := <-done; err != nil {
		t.Fatalf("spliceConns: %v", err)
	}
	_ = dst.CloseWrite()
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatalf("got %d bytes, want the %d sent", len(b), len(data))
	}
}

func TestSpliceConnsIdleTimeout(t *testing.T) {
	_, src := testenv.TCPPair(t)
	dst, _ := testenv.TCPPair(t)
	act := &activity{idle: 100 * time.Millisecond}
	act.touch()
	start := time.Now()
	if err := spliceConns(dst, src, act); err != errTunnelIdle {
		t.Fatalf("err %v, want errTunnelIdle", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 2*time.Second {
		t.Fatalf("idle tunnel ended after %s", d)
	}
}

// Out of descriptors, no pipe can be had: the tunnel goes on through a
// buffer instead of failing (io.Copy's splice gave up, closing tunnels
// exactly when a relay was busiest).
func TestSpliceConnsWithoutDescriptorsFallsBack(t *testing.T) {
	in, src := testenv.TCPPair(t)
	dst, out := testenv.TCPPair(t)
	closePooledPipes()
	data := bytes.Repeat([]byte("0123456789"), 10000)
	got := make([]byte, len(data))
	var rerr, err error
	testenv.WithoutNewDescriptors(t, func() {
		done := make(chan error, 1)
		go func() { done <- spliceConns(dst, src, nil) }()
		go func() {
			_, _ = in.Write(data)
			_ = in.CloseWrite()
		}()
		_ = out.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, rerr = io.ReadFull(out, got)
		err = <-done
	})
	if rerr != nil || err != nil || !bytes.Equal(got, data) {
		t.Fatalf("copy without pipes: read %v, splice %v", rerr, err)
	}
}

// closePooledPipes empties the pipe pool, so that the next splice needs a
// new pipe (which a test may make impossible).
func closePooledPipes() {
	pipePool.mu.Lock()
	defer pipePool.mu.Unlock()
	for _, p := range pipePool.free {
		unix.Close(p.r)
		unix.Close(p.w)
	}
	pipePool.free = nil
}
