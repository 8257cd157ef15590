package relay

import (
	"errors"
	"net"
	"time"
)

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

// serveApp serves one app connection to an HTTP listener with ferry's own
// HTTP/1.1 loop (internal/httpserve); the connection stops counting against
// MaxConns when it closes or becomes a tunnel.
func (s *Server) serveApp(nc net.Conn) {
	if !s.conns.open(nc) {
		return
	}
	s.apps.ServeConn(nc, s.conns.release)
}
