package relay

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/hop"
	"github.com/ferryproxy/ferry/internal/httpserve"
	"github.com/ferryproxy/ferry/internal/netwatch"
	"github.com/ferryproxy/ferry/relay/parent"
	"github.com/ferryproxy/ferry/relay/report"
	"github.com/ferryproxy/ferry/relay/splice"
)

// Server is ferry's HTTP proxy: its listeners and the current generation
// of parents, routing and credentials.
type Server struct {
	log     *slog.Logger
	version string
	gen     atomic.Pointer[generation]
	apps    httpserve.Server
	tunnels splice.Set
	started time.Time
	conns   connLimit
	via     *hop.Via // this process's Via entry and loop check

	mu      sync.Mutex
	lns     map[listenSpec]*listener
	self    atomic.Pointer[[]string]  // the HTTP listeners' addresses, for isSelf
	own     atomic.Pointer[[]ownAddr] // every open listener, for refuseOwn
	pages   *report.Pages             // ferry's own pages (relay/report)
	serving bool
	errc    chan error // a listener that failed while serving
}

// Defaults for Config's zero values.
const (
	DefaultListen                = "127.0.0.1:3128"
	defaultConnectTimeout        = parent.DefaultConnectTimeout
	defaultResponseHeaderTimeout = parent.DefaultResponseHeaderTimeout
	defaultPoolIdleTimeout       = parent.DefaultIdleTimeout
	defaultClientIdleTimeout     = 120 * time.Second
	defaultReadHeaderTimeout     = 30 * time.Second
	defaultShutdownTimeout       = 10 * time.Second
	defaultMaxIdlePerParent      = parent.DefaultMaxIdle
	defaultMaxConns              = 4096
	defaultMaxHeaderBytes        = 64 << 10
)

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

// New checks cfg and builds a Server; it opens nothing yet.
func New(cfg Config) (*Server, error) {
	if len(cfg.Listen) == 0 {
		cfg.Listen = []string{DefaultListen}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	g, err := newGeneration(cfg, log, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	s := &Server{log: log, version: cfg.Version, lns: map[listenSpec]*listener{}, errc: make(chan error, 1), via: hop.NewVia()}
	s.gen.Store(g)
	s.pages = s.newPages()
	s.conns.max = orDefault(cfg.MaxConns, defaultMaxConns)
	s.apps.Handler, s.apps.Logger = s, log
	s.apps.Options = httpserve.Options{
		HeaderTimeout:  orDefault(cfg.ReadHeaderTimeout, defaultReadHeaderTimeout),
		IdleTimeout:    orDefault(cfg.ClientIdleTimeout, defaultClientIdleTimeout),
		MaxHeaderBytes: int64(orDefault(cfg.MaxHeaderBytes, defaultMaxHeaderBytes)),
	}
	return s, nil
}

// Upstreams returns the current parents in configured order.
func (s *Server) Upstreams() []*parent.Upstream { return s.gen.Load().allUpstreams() }

// Guard returns the current lockout guard.
func (s *Server) Guard() *auth.Guard { return s.gen.Load().set.guard }

// Reload applies a new configuration without dropping anything under way:
// new requests use the new parents, routing and credentials (the lockout
// guard stays: unchanged credentials keep resting, changed ones are tried at
// once), listeners are opened and closed to match, tunnels and
// requests in flight finish on the old ones. App-side timeouts and limits
// keep their values until a restart. On error nothing changes.
func (s *Server) Reload(cfg Config) error {
	if len(cfg.Listen) == 0 {
		cfg.Listen = []string{DefaultListen}
	}
	g, err := newGeneration(cfg, s.log, s.Guard(), s.gen.Load().set.notes, s.gen.Load().set.turns)
	if err != nil {
		return err
	}
	s.mu.Lock()
	err = s.syncListeners(specs(cfg))
	var old *generation
	if err == nil {
		old = s.gen.Swap(g)
	}
	s.mu.Unlock()
	if err != nil {
		g.retire() // never used: stop what it started (a PAC refresher)
		return err
	}
	old.retire()
	if cfg.Guard == nil {
		var cooldown time.Duration
		if cfg.Auth != nil {
			cooldown = cfg.Auth.Config().LockoutCooldown
		}
		g.set.guard.SetCooldown(cooldown)
	}
	s.log.Info("configuration reloaded", "parents", strings.Join(cfg.Parents, " "))
	return nil
}

// Serve serves until ctx is done, then stops accepting, lets in-flight
// requests and tunnels finish for up to ShutdownTimeout, closes the rest
// and returns nil.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	if len(s.lns) == 0 {
		s.mu.Unlock()
		return errors.New("relay: Serve called before Listen")
	}
	s.serving = true
	s.started = time.Now()
	for _, l := range s.lns {
		if l.spec.kind != kindHTTP { // the caller logs the HTTP ones after Listen
			s.logListening(l)
		}
		go s.serveListener(l)
	}
	s.mu.Unlock()
	jctx, stopJanitor := context.WithCancel(context.Background())
	janitorDone := make(chan struct{})
	go func() {
		defer close(janitorDone)
		s.janitor(jctx)
	}()
	src := s.gen.Load().cfg.NetworkChanges
	if src == nil {
		src = netwatch.Poll{}
	}
	netDone := make(chan struct{})
	go func() {
		defer close(netDone)
		s.watchNetwork(jctx, src)
	}()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-s.errc:
	}
	s.log.Info("stopping: draining in-flight requests and tunnels", "tunnels", s.tunnels.Count())
	g := s.gen.Load()
	sctx, cancel := context.WithTimeout(context.Background(), orDefault(g.cfg.ShutdownTimeout, defaultShutdownTimeout))
	defer cancel()
	s.mu.Lock()
	for _, l := range s.lns {
		l.Close()
	}
	s.lns = map[listenSpec]*listener{}
	s.mu.Unlock()
	s.apps.Shutdown(sctx)
	drained := make(chan struct{})
	go func() { s.tunnels.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-sctx.Done():
	}
	s.tunnels.CloseAll()
	s.apps.CloseAll()
	stopJanitor()
	<-janitorDone
	<-netDone
	g.retire()
	// The lockout state's lock file: Windows cannot remove a file held
	// open, and a later use of the Guard opens it again.
	_ = g.set.guard.Close()
	return serveErr
}

// janitor closes pooled connections that stayed idle too long, so the
// parent's own idle timeout rarely meets a request.
func (s *Server) janitor(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g := s.gen.Load()
			for _, u := range g.allUpstreams() {
				u.CloseIdle(g.set.idleTimeout)
			}
		}
	}
}

// ServeHTTP dispatches an app's request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	honourProxyConnection(w, r)
	switch {
	case r.Method != http.MethodConnect && (!r.URL.IsAbs() || s.isSelf(r.URL.Host)):
		// Ends here, whatever its Via says: ferry's own status page,
		// also when ferry reached itself directly (no_proxy localhost).
		s.serveLocal(w, r)
	case s.via.SeenIn(r.Header):
		s.refuseLoop(w, r)
	case r.Method == http.MethodConnect:
		s.serveConnect(w, r)
	default:
		s.serveForward(w, r)
	}
}

// isSelf reports whether hostport is one of ferry's own listeners, so
// http://127.0.0.1:3128/ shows the status instead of looping.
func (s *Server) isSelf(hostport string) bool {
	self := s.self.Load()
	return self != nil && slices.Contains(*self, hostport)
}

// serveLocal answers requests addressed to ferry itself: the status page,
// /status.json, /metrics and /proxy.pac (relay/report).
func (s *Server) serveLocal(w http.ResponseWriter, r *http.Request) { s.pages.ServeHTTP(w, r) }

// honourProxyConnection applies the app's Proxy-Connection header to the
// app's own connection, as clients that send it expect; net/http reads only
// Connection. It never reaches the parent.
func honourProxyConnection(w http.ResponseWriter, r *http.Request) {
	switch {
	case hop.HasToken(r.Header, "Proxy-Connection", "close"):
		w.Header().Set("Connection", "close")
	case !r.ProtoAtLeast(1, 1) && hop.HasToken(r.Header, "Proxy-Connection", "keep-alive") && r.Header.Get("Connection") == "":
		// net/http decides HTTP/1.0 keep-alive from Connection when it
		// writes the response head.
		r.Header.Set("Connection", "keep-alive")
	}
}
