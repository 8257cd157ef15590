package relay

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay/failure"
)

// Upstream is one parent proxy: its pool of idle (usually authenticated)
// connections, its health, the scheme it was found to want, and its counters.
// The status page and doctor read these; nothing keeps a second copy.
type Upstream struct {
	addr string // host:port as configured
	host string // host alone, for the SPN and auth.Target
	cfg  *settings

	mu      sync.Mutex
	idle    []*upConn        // most recently used last
	h       health           // up or down (health.go)
	offered []auth.Challenge // what the parent offered in its last 407
	chosen  auth.Scheme      // the scheme that last worked (auto mode)
	noAuth  bool             // the parent answered without asking for credentials

	// logon serialises logons (a one-slot semaphore) until one has
	// succeeded with the current credentials, so N apps starting at once
	// cost at most one failed logon, not N.
	logon    chan struct{}
	verified atomic.Bool
	// bound means the parent served a request without a header on a
	// connection a per-connection scheme authenticated: it ties the logon
	// to the connection, as squid does. perRequest means it answered such
	// a request with a 407 instead (mod_auth_gssapi's default,
	// GssapiConnectionBound Off): every request then carries a fresh
	// header.
	bound      atomic.Bool
	perRequest atomic.Bool
	// noExpect means the parent refused Expect: 100-continue (417).
	noExpect atomic.Bool
	// dropsIdle means the parent closed a pooled connection right after
	// its response, without saying Connection: close (tinyproxy does so
	// on every connection). Such a close can race the next request on the
	// connection unseen, so a body that cannot be sent again goes on a
	// connection of its own there.
	dropsIdle atomic.Bool

	// retired means a reload replaced this Upstream: connections coming
	// back from requests under way are closed, not pooled.
	retired atomic.Bool

	requests     atomic.Int64
	handshakes   atomic.Int64
	dials        atomic.Int64
	failedLogons atomic.Int64

	// spare holds connections made ready before an app asks (spare.go).
	spare spares

	// warnedFallback: ferry logged that it answers with a weaker scheme
	// (no Kerberos ticket: NTLM), which it does once per parent.
	warnedFallback atomic.Bool
}

// settings are the parts of Config that every Upstream shares.
type settings struct {
	auth          *auth.Authenticator
	guard         *auth.Guard
	log           *slog.Logger
	dialer        net.Dialer
	headerTimeout time.Duration
	idleTimeout   time.Duration
	maxIdle       int
	maxSpares     int           // spare connections per parent at most; 0: none
	tunnelIdle    time.Duration // zero: tunnels may idle forever
}

func newUpstream(addr string, cfg *settings) *Upstream {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return &Upstream{addr: addr, host: host, cfg: cfg, logon: make(chan struct{}, 1)}
}

// Addr is the parent's host:port.
func (u *Upstream) Addr() string { return u.addr }

// Stats is a snapshot of an Upstream for status pages and tests.
type Stats struct {
	Addr string
	// Up is false while the parent is down: from DownSince, when it
	// refused, dropped or ignored a connection, until a probe or a request
	// gets an answer. DownUntil is when the next probe runs.
	Up        bool
	DownSince time.Time
	DownUntil time.Time
	// Answered: the parent answered something once (a request or a
	// probe); Served: a request through it got its final answer.
	Answered, Served bool
	LastError        string
	LastCause        failure.Cause
	LastVerdict      string // the doctor verdict of the last error
	Scheme           string
	Idle             int
	Spares           int   // spare connections ready (spare.go)
	SparesUsed       int64 // spare connections handed to a request
	Requests         int64
	Handshakes       int64
	Dials            int64
	FailedLogons     int64
}

// Stats returns a snapshot of the Upstream's state.
func (u *Upstream) Stats() Stats {
	spares := u.spareCount()
	u.mu.Lock()
	defer u.mu.Unlock()
	s := Stats{
		Addr: u.addr, Up: !u.h.down, DownSince: u.h.since, DownUntil: u.h.nextTry, Idle: len(u.idle),
		Spares: spares, SparesUsed: u.spare.used.Load(),
		Answered: u.h.answered, Served: u.h.served,
		Requests: u.requests.Load(), Handshakes: u.handshakes.Load(),
		Dials: u.dials.Load(), FailedLogons: u.failedLogons.Load(),
	}
	if e := u.h.lastErr; e != nil {
		s.LastError = e.Error()
		s.LastCause = e.Cause
		s.LastVerdict = e.Verdict()
	}
	if u.chosen != nil {
		s.Scheme = u.chosen.Name()
	}
	return s
}

// get hands out an idle pooled connection, or dials a new one.
//
// A connection back in the pool for less than freshIdle skips the liveness
// check (a syscall per request) when the request can be sent again: parents
// keep idle connections for seconds to minutes, and the stale-connection
// retry covers the rare one closed in between. A request that cannot be
// sent again gets no connection idle for longer than that: the check only
// sees a close that has happened, and a parent closing an idle connection
// (squid does so late, at its next timer tick) can race the request, which
// would then be lost.
func (u *Upstream) get(ctx context.Context, resendable bool) (*upConn, error) {
	now := time.Now()
	for {
		u.mu.Lock()
		n := len(u.idle)
		// The newest is the least idle: if it is too idle, all are.
		if n == 0 || (!resendable && (u.dropsIdle.Load() || now.Sub(u.idle[n-1].idleSince) >= freshIdle)) {
			u.mu.Unlock()
			break
		}
		c := u.idle[n-1]
		u.idle[n-1] = nil
		u.idle = u.idle[:n-1]
		u.mu.Unlock()
		idle := now.Sub(c.idleSince)
		if idle > u.cfg.idleTimeout || !c.alive(resendable && idle < freshIdle) {
			if idle < freshIdle {
				u.learnDropsIdle()
			}
			c.close()
			continue
		}
		c.reused = true
		c.idleAtReuse = idle
		return c, nil
	}
	// A new connection is wanted: a spare made ready before takes its
	// place, and another is made for the next one. A request that cannot
	// be sent again takes no spare, for the same reason it takes no
	// connection long idle.
	u.noteDemand(now)
	var spare *upConn
	if resendable {
		spare = u.takeSpare(now)
	}
	u.fillSpares()
	if spare != nil {
		return spare, nil
	}
	return u.dial(ctx)
}

const freshIdle = time.Second

// learnDropsIdle records that the parent closes connections at once after
// answering (a pooled connection found closed within freshIdle).
func (u *Upstream) learnDropsIdle() {
	if !u.dropsIdle.Swap(true) {
		u.cfg.log.Debug("parent proxy closes its connections after each response: uploads get a connection of their own", "parent", u.addr)
	}
}

func (u *Upstream) dial(ctx context.Context) (*upConn, error) {
	u.dials.Add(1)
	nc, err := u.cfg.dialer.DialContext(ctx, "tcp", u.addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &failure.Error{Cause: failure.ClientGone, Peer: u.addr, What: "the app went away", Err: ctx.Err()}
		}
		return nil, failure.Dial(err, u.addr, true)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetKeepAlive(true)
	}
	return newUpConn(nc), nil
}

// put returns a connection to the pool, or closes it.
func (u *Upstream) put(c *upConn) {
	if c.broken || u.retired.Load() {
		c.close()
		return
	}
	c.idleSince = time.Now()
	u.mu.Lock()
	if len(u.idle) >= u.cfg.maxIdle {
		u.mu.Unlock()
		c.close()
		return
	}
	u.idle = append(u.idle, c)
	u.mu.Unlock()
}

// closeIdle closes pooled connections idle for longer than d (all of them
// when d is zero), and spares that aged (all of them when d is zero).
func (u *Upstream) closeIdle(d time.Duration) {
	defer u.tendSpares(d == 0)
	now := time.Now()
	u.mu.Lock()
	keep := u.idle[:0]
	var drop []*upConn
	for _, c := range u.idle {
		if d == 0 || now.Sub(c.idleSince) > d {
			drop = append(drop, c)
		} else {
			keep = append(keep, c)
		}
	}
	clear(u.idle[len(keep):])
	u.idle = keep
	u.mu.Unlock()
	for _, c := range drop {
		c.close()
	}
}

// learn records what the parent offered.
func (u *Upstream) learn(offered []auth.Challenge) {
	u.mu.Lock()
	u.offered = offered
	u.mu.Unlock()
}

// preferred returns the scheme to open a new connection with, before any
// challenge: the configured one, or the one that worked last time.
func (u *Upstream) preferred() (auth.Scheme, []auth.Challenge, bool) {
	if s := u.cfg.auth.Fixed(); s != nil {
		return s, nil, false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.chosen, u.offered, u.noAuth
}

func (u *Upstream) setChosen(s auth.Scheme) {
	u.mu.Lock()
	u.chosen = s
	u.noAuth = false
	u.mu.Unlock()
}

func (u *Upstream) setNoAuth() {
	u.mu.Lock()
	u.noAuth = true
	u.mu.Unlock()
}
