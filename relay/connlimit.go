package relay

import (
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ferryproxy/ferry/internal/httpserve"
)

// connLimit bounds the app connections served at once (CONNECT and SOCKS5
// tunnels, once established, no longer count: they are bounded by the
// open-file limit; a [[tunnel]]'s connections count while open, see
// serveTunnel). Past the bound a new
// connection gets a 503 that says why, instead of a refused or hanging
// connect (cntlm's backlog of 5 refuses thousands at 200 clients).
type connLimit struct {
	max int
	mu  sync.Mutex
	n   int
}

// open counts a new connection; past the bound it answers 503, closes c
// and returns false.
func (l *connLimit) open(c net.Conn) bool {
	if !l.take() {
		refuseBusy(c)
		return false
	}
	return true
}

// take counts a new connection unless the bound is reached.
func (l *connLimit) take() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n >= l.max {
		return false
	}
	l.n++
	return true
}

// release uncounts a connection that closed or became a tunnel.
func (l *connLimit) release() {
	l.mu.Lock()
	l.n--
	l.mu.Unlock()
}

// refuseBusy answers a connection over the limit and closes it. The request
// is not read: the answer goes first, so a client sees the 503 whatever it
// sends.
func refuseBusy(c net.Conn) {
	const body = "ferry could not take this connection: it is already serving its maximum of connections at once.\n" +
		"What to do: retry shortly; if it keeps happening, raise limits.max_connections in ferry's config.\n(cause: too_many_connections)\n"
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	httpserve.WriteRefusal(c, http.StatusServiceUnavailable, "Proxy-Status: ferry; error=connection_limit_reached\r\nRetry-After: 1\r\n", body)
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	c.Close()
}
