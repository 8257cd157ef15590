package relay

import (
	"bufio"
	"net"
	"time"

	"github.com/ferryproxy/ferry/auth"
)

// upConn is one connection to a parent.
type upConn struct {
	nc net.Conn
	br *bufio.Reader
	bw *bufio.Writer
	// authed means a per-connection scheme (NTLM, Negotiate) completed on
	// this connection, so requests on it need no header.
	authed bool
	// reused means the connection served a request before; a failure
	// before any answer then may be the parent closing it while idle.
	reused    bool
	idleSince time.Time
	broken    bool // must not go back to the pool
}

func newUpConn(nc net.Conn) *upConn {
	return &upConn{nc: nc, br: bufio.NewReaderSize(nc, 16<<10), bw: bufio.NewWriterSize(nc, 16<<10)}
}

// alive reports whether an idle connection still looks usable: the parent
// has neither closed it nor sent anything unasked. Where peekIdle cannot
// tell, the stale-connection retry covers it.
func (c *upConn) alive() bool {
	if c.br.Buffered() > 0 {
		return false
	}
	return peekIdle(c.nc)
}

func (c *upConn) close() {
	c.broken = true
	_ = c.nc.Close()
}

// sessionState is the exchange in progress on one connection.
type sessionState struct {
	scheme  auth.Scheme
	session auth.Session
	sent    bool // credentials went out on this connection
}
