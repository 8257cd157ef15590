package relay

import (
	"context"
	"io"
	"net"
	"sync"
	"time"
)

// watchAfter is how long a request may wait for its answer before ferry
// starts watching the app's connection for the app leaving. Most answers
// come sooner, and then cost no watch at all.
const watchAfter = 50 * time.Millisecond

// connReader is what the app connection's bufio.Reader reads from (through
// a rawio.HeadLimit). It watches an idle connection while a request waits, so that
// an app that gives up cancels the request's context: the parent connection
// is freed, not held until the answer.
type connReader struct {
	nc     net.Conn
	rd     io.Reader // reads nc (see rawIO)
	cancel context.CancelFunc
	// buffered is what the bufio.Reader above holds unread.
	buffered func() int
	// deadline means the request loop left a read deadline on nc, to be
	// cleared before a read that may rightly wait longer.
	deadline bool
	// err is the last error a Read returned, for telling a request head
	// cut off by the read_header timeout from a malformed one.
	err error

	mu       sync.Mutex
	timer    *time.Timer
	armed    bool          // the request is all in: a watch may start
	watching chan struct{} // closed when the watch read returns; nil when none runs
	aborting bool          // disarm interrupted the watch read
	hasByte  bool          // the watch read a byte of the next request
	b        [1]byte
}

// Read is only called while no watch runs: the request loop disarms before
// it reads again, and handlers read the body before the watch is armed.
func (cr *connReader) Read(p []byte) (int, error) {
	if cr.deadline {
		cr.deadline = false
		_ = cr.nc.SetReadDeadline(time.Time{})
	}
	if cr.hasByte && len(p) > 0 {
		p[0] = cr.b[0]
		cr.hasByte = false
		return 1, nil
	}
	n, err := cr.rd.Read(p)
	if err != nil {
		cr.err = err
	}
	return n, err
}

// arm allows a watch to start after watchAfter, unless the app already sent
// more (a pipelined request): it is there, and reading on would only find
// the end of what it sent.
func (cr *connReader) arm() {
	if cr.buffered() > 0 {
		return
	}
	cr.mu.Lock()
	defer cr.mu.Unlock()
	cr.armed = true
	if cr.timer == nil {
		cr.timer = time.AfterFunc(watchAfter, cr.watch)
	} else {
		cr.timer.Reset(watchAfter)
	}
}

// watch reads one byte: the app closing its end (or resetting it) ends the
// read with an error, and cancels the request; a byte is the start of the
// next request, kept for Read.
func (cr *connReader) watch() {
	cr.mu.Lock()
	if !cr.armed || cr.watching != nil || cr.hasByte {
		cr.mu.Unlock()
		return
	}
	if cr.deadline {
		cr.deadline = false
		_ = cr.nc.SetReadDeadline(time.Time{})
	}
	done := make(chan struct{})
	cr.watching = done
	cr.mu.Unlock()

	n, err := cr.rd.Read(cr.b[:])

	cr.mu.Lock()
	if n == 1 {
		cr.hasByte = true
	}
	if err != nil && !cr.aborting {
		cr.cancel()
	}
	cr.watching, cr.aborting = nil, false
	cr.mu.Unlock()
	close(done)
}

// disarm stops the watch, if one runs, and waits for its read to return.
func (cr *connReader) disarm() {
	cr.mu.Lock()
	cr.armed = false
	if cr.timer != nil {
		cr.timer.Stop()
	}
	done := cr.watching
	if done != nil {
		cr.aborting = true
		_ = cr.nc.SetReadDeadline(aLongTimeAgo)
	}
	cr.mu.Unlock()
	if done != nil {
		<-done
		_ = cr.nc.SetReadDeadline(time.Time{})
	}
}
