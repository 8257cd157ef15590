package rawio

import (
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestPeekIdle: an idle connection is alive; one with unasked bytes
// waiting, or whose peer closed it, is not — on every OS that can tell
// (Linux, macOS and Windows; spares and the pool rely on it).
func TestPeekIdle(t *testing.T) {
	a, b := testenv.TCPPair(t)
	if !PeekIdle(a) {
		t.Fatal("an idle connection looks dead")
	}
	if _, err := b.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return !PeekIdle(a) }, "unasked bytes waiting")
	c, d := testenv.TCPPair(t)
	d.Close()
	waitFor(t, func() bool { return !PeekIdle(c) }, "the peer's close")
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("PeekIdle did not see %s within 5 s", what)
		}
	}
}
