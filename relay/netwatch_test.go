package relay

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// chanSource is a ChangeSource a test drives.
type chanSource chan struct{}

func (c chanSource) Changes(context.Context) <-chan struct{} { return c }

func TestNetworkChangeFlushesPoolAndBackoff(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadAddr := dead.Addr().String()
	dead.Close()
	changes := make(chanSource)
	// No spares: a spare dialed for the next request would count as a
	// connection of its own.
	s, proxy := startRelay(t, Config{Parents: []string{deadAddr, p.Addr}, NetworkChanges: changes, SpareConnections: -1})
	if resp, _ := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	live, down := s.Upstreams()[1], s.Upstreams()[0]
	// The connection goes back to the pool just after the response is sent.
	for deadline := time.Now().Add(2 * time.Second); live.Stats().Idle != 1 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
	}
	if live.Stats().Idle != 1 || down.Stats().Up {
		t.Fatalf("before: live idle %d, dead up %v", live.Stats().Idle, down.Stats().Up)
	}
	changes <- struct{}{}
	for deadline := time.Now().Add(2 * time.Second); live.Stats().Idle != 0 || !down.Stats().Up; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after a change: live idle %d (want 0), dead parent up %v (want true: backoff reset)", live.Stats().Idle, down.Stats().Up)
		}
	}
	conns := p.Conns()
	if resp, _ := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 200 {
		t.Fatalf("after change: status %d", resp.StatusCode)
	}
	if p.Conns() != conns+1 {
		t.Fatal("the request after a network change did not use a fresh connection")
	}
}
