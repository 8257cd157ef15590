package splice

import (
	"io"
	"sync"
	"time"
)

// Set tracks open tunnels so shutdown can wait for them, then close what
// is left. The zero value is ready to use.
type Set struct {
	mu     sync.Mutex
	conns  map[io.Closer]struct{}
	closed bool
	wg     sync.WaitGroup
}

// Conns runs the package's Conns for a and b, tracked in t: Wait waits for
// it and CloseAll ends it. After CloseAll it closes a and b at once.
func (t *Set) Conns(a io.ReadWriteCloser, aPending []byte, b io.ReadWriteCloser, bPending []byte, idle time.Duration) {
	if !t.add(a, b) {
		a.Close()
		b.Close()
		return
	}
	defer t.done(a, b)
	Conns(a, aPending, b, bPending, idle)
}

func (t *Set) add(a, b io.Closer) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	if t.conns == nil {
		t.conns = map[io.Closer]struct{}{}
	}
	t.conns[a], t.conns[b] = struct{}{}, struct{}{}
	t.wg.Add(1)
	return true
}

func (t *Set) done(a, b io.Closer) {
	t.mu.Lock()
	delete(t.conns, a)
	delete(t.conns, b)
	t.mu.Unlock()
	t.wg.Done()
}

// Count is the number of open tunnels.
func (t *Set) Count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns) / 2
}

// Wait returns when every tunnel in t has ended.
func (t *Set) Wait() { t.wg.Wait() }

// CloseAll refuses new tunnels and closes the open ones.
func (t *Set) CloseAll() {
	t.mu.Lock()
	t.closed = true
	for c := range t.conns {
		c.Close()
	}
	t.mu.Unlock()
}
