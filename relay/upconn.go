package relay

import (
	"bufio"
	"errors"
	"io"
	"net"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/rawio"
)

// upConn is one connection to a parent.
type upConn struct {
	nc  net.Conn
	br  *bufio.Reader
	bw  *bufio.Writer
	lim *headLimit // bounds what br may read while a response head is read
	// authed means a per-connection scheme (NTLM, Negotiate) completed on
	// this connection, so requests on it need no header.
	authed bool
	// reused means the connection served a request before; a failure
	// before any answer then may be the parent closing it while idle.
	reused bool
	// idleAtReuse is how long it lay in the pool before this reuse.
	idleAtReuse time.Duration
	// answered means the parent sent a response on this connection; until
	// then, watch decides whether its silence means it is dead.
	answered  bool
	watch     *answerWatch
	silent    bool // the watch found the parent silent (health.go)
	idleSince time.Time
	broken    bool // must not go back to the pool
	// auth is what schemes keep for this connection (Digest's nonce).
	auth auth.ConnState
	// pending is the NTLM challenge a spare got ahead of its first
	// request (spare.go), nil otherwise.
	pending *pendingLogon
}

func newUpConn(nc net.Conn) *upConn {
	rd, wr := rawio.Split(nc)
	c := &upConn{nc: nc, lim: &headLimit{r: rd, left: -1}, bw: bufio.NewWriterSize(wr, 16<<10)}
	c.br = bufio.NewReaderSize(c.lim, 16<<10)
	return c
}

// maxResponseHead bounds a parent's response line and headers: net/http's
// ReadResponse has no bound of its own, and a broken or hostile parent could
// otherwise make ferry buffer without end.
const maxResponseHead = 1 << 20

// errHeadTooLarge is a response head over maxResponseHead.
var errHeadTooLarge = errors.New("response head larger than 1 MiB")

// headLimit fails reads once left reaches zero; left < 0 means no limit.
type headLimit struct {
	r    io.Reader
	left int64
}

func (h *headLimit) Read(p []byte) (int, error) {
	if h.left == 0 {
		return 0, errHeadTooLarge
	}
	if h.left > 0 && int64(len(p)) > h.left {
		p = p[:h.left]
	}
	n, err := h.r.Read(p)
	if h.left > 0 {
		h.left -= int64(n)
	}
	return n, err
}

// alive reports whether an idle connection still looks usable: the parent
// has neither closed it nor sent anything unasked. Where peekIdle cannot
// tell (or quick skips it), the stale-connection retry covers it.
func (c *upConn) alive(quick bool) bool {
	if c.br.Buffered() > 0 {
		return false
	}
	return quick || rawio.PeekIdle(c.nc)
}

func (c *upConn) close() {
	c.broken = true
	c.endWatch()
	_ = c.nc.Close()
}

// endWatch stops the first-answer watch, if any, and records its verdict.
func (c *upConn) endWatch() {
	if c.watch != nil {
		c.silent = c.watch.end()
		c.watch = nil
	}
}

// sessionState is the exchange in progress on one connection.
type sessionState struct {
	scheme  auth.Scheme
	session auth.Session
	sent    bool // credentials went out on this connection
	// challenged: the parent answered this session with its challenge. A
	// first leg the parent did not take up (NTLM's type 1 to a parent that
	// offers only Basic) proved no credentials, so its 407 is no rejection.
	challenged bool
}
