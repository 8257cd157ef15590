package parent

import (
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
	cfg  Config // with the defaults filled in
	// dialer dials the parent, with cfg.ConnectTimeout.
	dialer net.Dialer

	mu      sync.Mutex
	idle    []*Conn          // most recently used last
	h       health           // up or down (health.go)
	offered []auth.Challenge // what the parent offered in its last 407
	chosen  auth.Scheme      // the scheme that last worked (auto mode)
	noAuth  bool             // the parent answered without asking for credentials
	own407  [][]string       // the marks of the parent's own 407s (site407.go)

	// logon serialises logons (a one-slot semaphore) until one has
	// succeeded with the current credentials, so N apps starting at once
	// cost at most one failed logon, not N. It is Config.Turns' slot for
	// the parent when set, shared with the Upstreams a reload makes.
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
	// askedOwn407: ferry asked the parent for its own 407 (site407.go).
	askedOwn407 atomic.Bool
	// doubted: a 407 after Basic or Digest credentials was taken for a
	// site's by its head alone (siteAsked); a logon that succeeds ends it.
	doubted atomic.Bool
	// dropsIdle means the parent closed a pooled connection right after
	// its response, without saying Connection: close (tinyproxy does so
	// on every connection). Such a close can race the next request on the
	// connection unseen, so a body that cannot be sent again goes on a
	// connection of its own there.
	dropsIdle atomic.Bool

	// retired means a reload replaced this Upstream: connections coming
	// back from requests under way are closed, not pooled.
	retired atomic.Bool

	// spare holds connections made ready before an app asks (spare.go).
	spare spares

	requests     atomic.Int64
	handshakes   atomic.Int64
	dials        atomic.Int64
	failedLogons atomic.Int64

	// warnedFallback: ferry logged that it answers with a weaker scheme
	// (no Kerberos ticket: NTLM), which it does once per parent.
	warnedFallback atomic.Bool
}

// Config is what an Upstream needs to know: the parent's address, the
// credentials and the lockout guard, and its timeouts. Zero timeouts and
// limits take the Default constants.
type Config struct {
	// Addr is the parent proxy, host:port.
	Addr string
	// Auth answers the parent's challenges; nil (or one with no
	// credentials) sends none.
	Auth *auth.Authenticator
	// Guard rests credentials a parent rejected, so that a wrong password
	// does not lock the account. Share one among the Upstreams that use the
	// same credentials; nil makes one with Auth's cool-down.
	Guard *auth.Guard
	// Log receives the client's warnings and debug lines; nil discards them.
	Log *slog.Logger
	// ConnectTimeout bounds a dial, and the wait for a first answer on a
	// fresh connection before the parent is probed (timeouts.connect).
	ConnectTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for a response head
	// (timeouts.response_header).
	ResponseHeaderTimeout time.Duration
	// IdleTimeout is how long a pooled connection may idle before it is
	// not used again (timeouts.pool_idle).
	IdleTimeout time.Duration
	// MaxIdle bounds the pooled idle connections.
	MaxIdle int
	// Notes receives the events a user must act on (credentials rejected,
	// no Kerberos ticket); nil sends none.
	Notes *Notes
	// Turns, if set, holds the parent's logon turn (guard.go): share one
	// among the Upstreams of successive configurations, so that a reload
	// while a first logon is under way does not start a second one with
	// the same credentials. Nil gives the Upstream a turn of its own.
	Turns *Turns
	// Spares bounds the spare connections, dialed (for NTLM, past the type
	// 1 leg) before an app asks so that a new tunnel opens in one round
	// trip (spare.go); zero takes DefaultSpares, negative turns them off
	// (limits.spare_connections = 0). New leaves 0 for none.
	Spares int
}

// The defaults for Config's zero values.
const (
	DefaultConnectTimeout        = 10 * time.Second
	DefaultResponseHeaderTimeout = 60 * time.Second
	DefaultIdleTimeout           = 60 * time.Second
	DefaultMaxIdle               = 256
	// DefaultSpares: a build tool's or a page's burst of new tunnels finds
	// a few ready, and the parent holds at most 4 connections more per ferry.
	DefaultSpares = 4
)

// New returns the client of the parent proxy at cfg.Addr. It dials nothing
// until a request comes.
func New(cfg Config) *Upstream {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		host = cfg.Addr
	}
	cfg.ConnectTimeout = orDefault(cfg.ConnectTimeout, DefaultConnectTimeout)
	cfg.ResponseHeaderTimeout = orDefault(cfg.ResponseHeaderTimeout, DefaultResponseHeaderTimeout)
	cfg.IdleTimeout = orDefault(cfg.IdleTimeout, DefaultIdleTimeout)
	cfg.MaxIdle = orDefault(cfg.MaxIdle, DefaultMaxIdle)
	cfg.Spares = spareLimit(cfg.Spares)
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Guard == nil {
		var cooldown time.Duration
		if cfg.Auth != nil {
			cooldown = cfg.Auth.Config().LockoutCooldown
		}
		cfg.Guard = auth.NewGuard(cooldown, nil)
	}
	return &Upstream{addr: cfg.Addr, host: host, cfg: cfg, logon: cfg.Turns.of(cfg.Addr),
		dialer: net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}}
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Addr is the parent's host:port.
func (u *Upstream) Addr() string { return u.addr }

// Stats is a snapshot of an Upstream for status pages and tests.
type Stats struct {
	// Addr is the parent's host:port.
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
	// AuthOK: a logon succeeded, or the parent served a request without
	// asking for credentials.
	AuthOK bool
	// LastError, LastCause and LastVerdict (doctor's word) are the last
	// failure that is the parent's or the logon's, until one succeeds.
	LastError   string
	LastCause   failure.Cause
	LastVerdict string
	// Scheme is the scheme that last worked (auto mode), or "".
	Scheme string
	// Idle is the number of pooled connections.
	Idle int
	// Spares is the number of spare connections ready (spare.go), and
	// SparesUsed the number a request took.
	Spares     int
	SparesUsed int64
	// Requests sent, per-connection Handshakes completed, Dials made, and
	// FailedLogons (each one a rest of the credentials).
	Requests     int64
	Handshakes   int64
	Dials        int64
	FailedLogons int64
}

// Stats returns a snapshot of the Upstream's state.
func (u *Upstream) Stats() Stats {
	spares := u.spareCount()
	u.mu.Lock()
	defer u.mu.Unlock()
	s := Stats{
		Addr: u.addr, Up: !u.h.down, DownSince: u.h.since, DownUntil: u.h.nextTry, Idle: len(u.idle),
		Spares: spares, SparesUsed: u.spare.used.Load(),
		Answered: u.h.answered, Served: u.h.served, AuthOK: u.verified.Load() || u.noAuth,
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

// learn records what the parent offered.
func (u *Upstream) learn(offered []auth.Challenge) {
	u.mu.Lock()
	u.offered = offered
	u.mu.Unlock()
}

// preferred returns the scheme to open a new connection with, before any
// challenge: the configured one, or the one that worked last time.
func (u *Upstream) preferred() (auth.Scheme, []auth.Challenge, bool) {
	if s := u.cfg.Auth.Fixed(); s != nil {
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
