package relay

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// appConns is the set of app connections ferry's HTTP listeners serve, for a
// graceful stop: idle ones close at once, busy ones after their answer.
type appConns struct {
	mu       sync.Mutex
	conns    map[*appConn]bool // value: busy with a request
	stopping atomic.Bool       // set under mu
	drained  chan struct{}     // closed when stopping and nothing is busy
}

// add registers c; false when ferry is stopping.
func (a *appConns) add(c *appConn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopping.Load() {
		return false
	}
	if a.conns == nil {
		a.conns = map[*appConn]bool{}
	}
	a.conns[c] = false
	return true
}

// idle marks c as waiting for a request; false when ferry is stopping and c
// should close.
func (a *appConns) idle(c *appConn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.conns[c] = false
	a.checkDrained()
	return !a.stopping.Load()
}

// active marks c as busy with a request.
func (a *appConns) active(c *appConn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopping.Load() {
		return false
	}
	a.conns[c] = true
	return true
}

// closing reports whether ferry is stopping, so a finished request should
// not be followed by another on the same connection.
func (a *appConns) closing() bool { return a.stopping.Load() }

// hijacked forgets c: a tunnel now owns it, and tunnels drain on their own.
func (a *appConns) hijacked(c *appConn) { a.remove(c) }

func (a *appConns) remove(c *appConn) {
	a.mu.Lock()
	if _, ok := a.conns[c]; ok {
		delete(a.conns, c)
		a.checkDrained()
	}
	a.mu.Unlock()
	c.s.conns.release()
}

func (a *appConns) checkDrained() {
	if !a.stopping.Load() || a.drained == nil {
		return
	}
	for _, busy := range a.conns {
		if busy {
			return
		}
	}
	select {
	case <-a.drained:
	default:
		close(a.drained)
	}
}

// shutdown closes idle connections and waits, until ctx ends, for busy ones
// to finish their request.
func (a *appConns) shutdown(ctx context.Context) {
	a.mu.Lock()
	a.stopping.Store(true)
	a.drained = make(chan struct{})
	for c, busy := range a.conns {
		if !busy {
			c.nc.Close()
		}
	}
	a.checkDrained()
	drained := a.drained
	a.mu.Unlock()
	select {
	case <-drained:
	case <-ctx.Done():
	}
}

// closeAll closes every connection left.
func (a *appConns) closeAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for c := range a.conns {
		c.nc.Close()
	}
}

// acceptBackoff bounds the pause after a failed accept (out of file
// descriptors, say): the listener keeps serving once the cause passes.
const acceptBackoff = time.Second

// accept returns the next connection of l; it waits out errors that pass
// (EMFILE and the like) and returns only once l is closed.
func (s *Server) accept(l net.Listener) (net.Conn, error) {
	var delay time.Duration
	for {
		c, err := l.Accept()
		if err == nil {
			return c, nil
		}
		if errors.Is(err, net.ErrClosed) {
			return nil, err
		}
		delay = min(max(2*delay, 5*time.Millisecond), acceptBackoff)
		s.log.Warn("accepting a connection failed; retrying", "addr", l.Addr().String(), "err", err, "retry_in", delay)
		time.Sleep(delay)
	}
}

// serveApp serves one app connection to an HTTP listener.
func (s *Server) serveApp(nc net.Conn) {
	if !s.conns.open(nc) {
		return
	}
	c := newAppConn(s, nc, s.appOpts)
	if !s.apps.add(c) {
		nc.Close()
		s.conns.release()
		return
	}
	c.serve(&s.apps)
}
