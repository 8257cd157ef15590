//go:build linux

package relay

import (
	"io"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/splice"
)

// An idle tunnel must cost the relay its two sockets and nothing more:
// io.Copy's splice held a pipe per direction while waiting, six
// descriptors per tunnel, which ran a 20,000 limit out at 3,300 tunnels.
func TestIdleTunnelsHoldNoPipes(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	const n = 100
	before := openFiles() - splice.PooledDescriptors()
	for range n {
		c, br := connectTunnel(t, proxy.Host)
		// A byte each way, so both directions have spliced before idling.
		_, _ = io.WriteString(c, "x")
		if b, err := br.ReadByte(); err != nil || b != 'x' {
			t.Fatalf("echo: %q %v", b, err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	// Per tunnel: the app's socket and the fake parent's in this process,
	// and the relay's two. The pipe pool may keep a few empty pipes, which
	// are not counted.
	limit := 4*n + 10
	if got := openFiles() - splice.PooledDescriptors() - before; got > limit {
		t.Fatalf("%d idle tunnels hold %d descriptors, want at most %d", n, got, limit)
	}
}
