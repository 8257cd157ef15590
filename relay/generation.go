package relay

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay/acl"
	"github.com/ferryproxy/ferry/relay/parent"
	"github.com/ferryproxy/ferry/relay/route"
)

// generation is everything a configuration decides for new requests:
// parents, routing, credentials, timeouts. A reload builds a new one and
// swaps it in; requests and tunnels under way finish on the one they started
// with.
type generation struct {
	cfg       Config
	set       *settings
	upstreams []*parent.Upstream
	router    route.Router
	direct    *http.Transport
	acl       *acl.List
	headers   http.Header
}

// settings are the parts of Config that every Upstream of a generation
// shares, and the relay's own timeouts.
type settings struct {
	auth          *auth.Authenticator
	guard         *auth.Guard
	log           *slog.Logger
	dialer        net.Dialer
	headerTimeout time.Duration
	idleTimeout   time.Duration
	maxIdle       int
	spares        int           // Config.SpareConnections
	tunnelIdle    time.Duration // zero: tunnels may idle forever
	notes         *parent.Notes // Config.Notify's events
	turns         *parent.Turns // the parents' logon turns, kept across reloads
}

// newUpstream is the client of the parent at addr with set's credentials
// and timeouts.
func newUpstream(addr string, set *settings) *parent.Upstream {
	return parent.New(parent.Config{Addr: addr, Auth: set.auth, Guard: set.guard, Log: set.log,
		ConnectTimeout: set.dialer.Timeout, ResponseHeaderTimeout: set.headerTimeout,
		IdleTimeout: set.idleTimeout, MaxIdle: set.maxIdle, Spares: set.spares, Notes: set.notes, Turns: set.turns})
}

// newGeneration builds the parts of cfg that a reload swaps in. guard,
// notes and turns are the running generation's (nil at start): a reload
// keeps the rests, what was reported, and a logon under way its turn.
func newGeneration(cfg Config, log *slog.Logger, guard *auth.Guard, notes *parent.Notes, turns *parent.Turns) (*generation, error) {
	if turns == nil {
		turns = parent.NewTurns()
	}
	if cfg.Guard != nil {
		guard = cfg.Guard
	}
	var cooldown time.Duration
	if cfg.Auth != nil {
		cooldown = cfg.Auth.Config().LockoutCooldown
	}
	switch {
	case guard == nil && cfg.LockoutState != "":
		g, err := auth.OpenGuard(cfg.LockoutState, cooldown, nil)
		if err != nil {
			logUnreadableState(log, g, err)
		}
		g.SetLogger(log)
		guard = g
	case guard == nil:
		guard = auth.NewGuard(cooldown, nil)
	}
	// Otherwise a reload keeps the running guard: rests are keyed by the
	// credentials, so changed ones are tried at once and the same ones stay
	// rested. Reload sets its cool-down once the new configuration is in.
	set := &settings{
		auth:          cfg.Auth,
		guard:         guard,
		log:           log,
		dialer:        net.Dialer{Timeout: orDefault(cfg.ConnectTimeout, defaultConnectTimeout), KeepAlive: 30 * time.Second},
		headerTimeout: orDefault(cfg.ResponseHeaderTimeout, defaultResponseHeaderTimeout),
		idleTimeout:   orDefault(cfg.PoolIdleTimeout, defaultPoolIdleTimeout),
		maxIdle:       orDefault(cfg.MaxIdlePerParent, defaultMaxIdlePerParent),
		spares:        cfg.SpareConnections,
		tunnelIdle:    cfg.TunnelIdleTimeout,
		notes:         parent.NewNotes(cfg.Notify, notes),
		turns:         turns,
	}
	np, err := route.ParseNoProxy(cfg.NoProxy)
	if err != nil {
		return nil, err
	}
	clients, err := acl.Parse(cfg.Allow, cfg.Deny)
	if err != nil {
		return nil, err
	}
	if err := checkGateway(cfg, clients); err != nil {
		return nil, err
	}
	for _, t := range cfg.Tunnels {
		if _, _, err := net.SplitHostPort(t.Target); err != nil {
			return nil, fmt.Errorf("tunnel %s: target %q is not host:port", t.Listen, t.Target)
		}
	}
	g := &generation{cfg: cfg, set: set, acl: clients, headers: http.Header{}}
	for k, v := range cfg.Headers {
		g.headers.Set(k, v)
	}
	for _, p := range cfg.Parents {
		if _, _, err := net.SplitHostPort(p); err != nil {
			return nil, fmt.Errorf("parent %q: want host:port: %w", p, err)
		}
		g.upstreams = append(g.upstreams, newUpstream(p, set))
	}
	if cfg.Auth.Enabled() {
		// Rests read from the state file match credentials only when
		// checked: check now, so the status page shows them from the start.
		for _, u := range g.upstreams {
			guard.Check(u.Addr(), cfg.Auth)
		}
	}
	static := route.NewStatic(np, g.upstreams, cfg.DirectFallback)
	g.router = static
	if cfg.PAC != "" {
		bare := *set
		bare.auth = nil // for proxies the PAC names that may not have credentials
		pr, err := route.NewPAC(route.PACConfig{
			Location: cfg.PAC, Fallback: cfg.PACFallback, Refresh: cfg.PACRefresh, AllowHosts: cfg.AllowHosts,
			Credentials: cfg.Auth.Enabled(), Log: log,
			NewUpstream: func(addr string, credentials bool) *parent.Upstream {
				if credentials {
					return newUpstream(addr, set)
				}
				return newUpstream(addr, &bare)
			},
		}, static)
		if err != nil {
			return nil, err
		}
		g.router = pr
	}
	g.direct = &http.Transport{
		Proxy:                 nil,
		DialContext:           set.dialer.DialContext,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       set.idleTimeout,
		ResponseHeaderTimeout: set.headerTimeout,
		DisableCompression:    true,
	}
	return g, nil
}

// retire lets a replaced generation wind down: idle connections close now,
// connections still carrying a request close when it ends, and background
// work of the schemes (Kerberos ticket renewal) stops.
func (g *generation) retire() {
	for _, u := range g.upstreams {
		u.Retire()
	}
	if pr, ok := g.router.(*route.PAC); ok {
		pr.Close()
	}
	g.direct.CloseIdleConnections()
	if g.cfg.Auth != nil {
		if c, ok := any(g.cfg.Auth).(io.Closer); ok {
			_ = c.Close()
		}
	}
}

// allUpstreams is the configured parents and, with a PAC, the proxies it
// named so far.
func (g *generation) allUpstreams() []*parent.Upstream {
	pr, ok := g.router.(*route.PAC)
	if !ok {
		return g.upstreams
	}
	return append(append([]*parent.Upstream(nil), g.upstreams...), pr.Named()...)
}

// Event is what Config.Notify receives (package parent).
type Event = parent.Event

// EventKind says what an Event reports (package parent).
type EventKind = parent.EventKind

// The kinds of Event.
const (
	EventCredentialsRejected      = parent.EventCredentialsRejected
	EventKerberosPasswordRejected = parent.EventKerberosPasswordRejected
	EventKerberosNoTicket         = parent.EventKerberosNoTicket
	EventSSOUnavailable           = parent.EventSSOUnavailable
)

// logUnreadableState says what ferry does about a lockout state file it
// could not read at start: it may hold a rejection, so nothing logs on
// until a cool-down since the file's last change has passed (auth.Guard's
// unreadableRest), unless that time is over already.
func logUnreadableState(log *slog.Logger, g *auth.Guard, err error) {
	for _, lo := range g.Snapshot() {
		if lo.State != nil {
			log.Warn("ferry cannot read its lockout state file and does not log on before the time below: the file may hold a rejection of the credentials",
				"err", err.Error(), "until", lo.Until.Format(time.TimeOnly),
				"fix", auth.UnreadableStateFix)
			return
		}
	}
	log.Warn("ferry cannot read its lockout state file; it is older than a cool-down, so it holds no rest that still counts, and ferry rewrites it at the next change", "err", err.Error())
}
