package parent

import (
	"bufio"
	"errors"
	"net"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/rawio"
)

// aLongTimeAgo, as a deadline, unblocks a pending read at once.
var aLongTimeAgo = time.Unix(1, 0)

// Conn is one connection to a parent, as Do hands it out with a response:
// the caller reads the response body and then gives the connection back
// with Upstream.Put, or closes it, or keeps it for a tunnel.
type Conn struct {
	nc  net.Conn
	br  *bufio.Reader
	bw  *bufio.Writer
	lim *rawio.HeadLimit // bounds what br may read while a response head is read
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
	answered bool
	// spareFirst: the connection is a spare (spare.go) taken for its
	// first request, which is watched as on a fresh connection although
	// reused is set and, for NTLM, the parent answered the type 1 leg.
	spareFirst bool
	watch      *answerWatch
	silent     bool // the watch found the parent silent (health.go)
	idleSince  time.Time
	broken     bool // must not go back to the pool
	// auth is what schemes keep for this connection (Digest's nonce).
	auth auth.ConnState
	// pending is the NTLM challenge a spare got ahead of its first
	// request (spare.go), nil otherwise.
	pending *pendingLogon
}

func newUpConn(nc net.Conn) *Conn {
	rd, wr := rawio.Split(nc)
	c := &Conn{nc: nc, lim: &rawio.HeadLimit{R: rd, Left: -1, Err: errHeadTooLarge}, bw: bufio.NewWriterSize(wr, 16<<10)}
	c.br = bufio.NewReaderSize(c.lim, 16<<10)
	return c
}

// maxResponseHead bounds a parent's response line and headers: net/http's
// ReadResponse has no bound of its own, and a broken or hostile parent could
// otherwise make ferry buffer without end.
const maxResponseHead = 1 << 20

// errHeadTooLarge is a response head over maxResponseHead.
var errHeadTooLarge = errors.New("response head larger than 1 MiB")

// alive reports whether an idle connection still looks usable: the parent
// has neither closed it nor sent anything unasked. Where peekIdle cannot
// tell (or quick skips it), the stale-connection retry covers it.
func (c *Conn) alive(quick bool) bool {
	if c.br.Buffered() > 0 {
		return false
	}
	return quick || rawio.PeekIdle(c.nc)
}

// NetConn is the connection's socket, for deadlines and for a tunnel or
// protocol switch that takes the connection over.
func (c *Conn) NetConn() net.Conn { return c.nc }

// Reader is the connection's buffered reader: the response body is read
// through it, and after a CONNECT or 101 it holds the bytes the parent sent
// after its answer.
func (c *Conn) Reader() *bufio.Reader { return c.br }

// Close closes the connection; it does not go back to the pool.
func (c *Conn) Close() {
	c.broken = true
	c.endWatch()
	_ = c.nc.Close()
}

// endWatch stops the first-answer watch, if any, and records its verdict.
func (c *Conn) endWatch() {
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
	final   bool // the last leg sent completed them (site407.go)
	// challenged: the parent answered this session with its challenge. A
	// first leg the parent did not take up (NTLM's type 1 to a parent that
	// offers only Basic) proved no credentials, so its 407 is no rejection.
	challenged bool
	// first: the leg about to go is the session's first and answers no
	// token of the parent's (NTLM's type 1, Negotiate's first token), so
	// no connection holds any of this handshake yet (afterWait).
	first bool
}
