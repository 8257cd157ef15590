package splice

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Conns copies both ways between a and b until both sides are done,
// passing half-closes on (a side that finished sending gets CloseWrite, the
// other direction goes on), then closes both. aPending and bPending are
// bytes already read from a and b (a TLS ClientHello that came with the
// CONNECT); they go first. With idle > 0, a tunnel that carried nothing
// either way for that long is closed.
func Conns(a io.ReadWriteCloser, aPending []byte, b io.ReadWriteCloser, bPending []byte, idle time.Duration) {
	var act *activity
	if idle > 0 {
		act = &activity{idle: idle}
		act.touch()
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pipe(b, a, aPending, act)
	}()
	pipe(a, b, bPending, act)
	wg.Wait()
	a.Close()
	b.Close()
}

// pipe copies src (after what pending holds of it) to dst, then half-closes
// dst; on an error it closes both so the other direction ends too.
func pipe(dst, src io.ReadWriteCloser, pending []byte, act *activity) {
	var err error
	if len(pending) > 0 {
		_, err = dst.Write(pending)
	}
	if err == nil {
		err = copyConn(dst, src, act)
	}
	if err != nil && !errors.Is(err, net.ErrClosed) {
		dst.Close()
		src.Close()
		return
	}
	if cw, ok := dst.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	} else {
		dst.Close()
	}
}

// copyConn copies src to dst until EOF: spliced between TCP connections on
// Linux, through a buffer otherwise.
func copyConn(dst io.Writer, src io.Reader, act *activity) error {
	d, dok := dst.(*net.TCPConn)
	s, sok := src.(*net.TCPConn)
	if dok && sok {
		if err := spliceConns(d, s, act); err != errNoSplice {
			return err
		}
	}
	return copyBuffered(dst, src, act)
}

// errNoSplice means the connections cannot be spliced here: not Linux, or
// a socket splice(2) refuses.
var errNoSplice = errors.New("splice is not available")

// errTunnelIdle ends a direction that timed out while the other was idle
// too.
var errTunnelIdle = errors.New("tunnel idle")

// activity is the last time either direction of a tunnel moved bytes.
type activity struct {
	idle time.Duration
	last atomic.Int64 // unix nanoseconds
}

func (a *activity) touch() { a.last.Store(time.Now().UnixNano()) }

// idleFor reports whether neither direction moved bytes for a.idle; a read
// timeout on one direction ends the tunnel only then.
func (a *activity) idleFor() bool { return time.Since(time.Unix(0, a.last.Load())) >= a.idle }
