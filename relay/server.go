package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ferryproxy/ferry/auth"
)

// Server is ferry's HTTP proxy: its listeners, its parents and its router.
type Server struct {
	cfg       Config
	set       *settings
	log       *slog.Logger
	upstreams []*Upstream
	router    Router
	direct    *http.Transport
	srv       *http.Server
	tunnels   tunnelSet
	started   time.Time

	mu  sync.Mutex
	lns []net.Listener
}

// Defaults for Config's zero values.
const (
	DefaultListen                = "127.0.0.1:3128"
	defaultConnectTimeout        = 10 * time.Second
	defaultResponseHeaderTimeout = 60 * time.Second
	defaultPoolIdleTimeout       = 60 * time.Second
	defaultClientIdleTimeout     = 120 * time.Second
	defaultReadHeaderTimeout     = 30 * time.Second
	defaultShutdownTimeout       = 10 * time.Second
	defaultMaxIdlePerParent      = 256
	maxHeaderBytes               = 64 << 10
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
	guard := cfg.Guard
	if guard == nil {
		var cooldown time.Duration
		if cfg.Auth != nil {
			cooldown = cfg.Auth.Config().LockoutCooldown
		}
		guard = auth.NewGuard(cooldown, nil)
	}
	set := &settings{
		auth:          cfg.Auth,
		guard:         guard,
		log:           log,
		dialer:        net.Dialer{Timeout: orDefault(cfg.ConnectTimeout, defaultConnectTimeout), KeepAlive: 30 * time.Second},
		headerTimeout: orDefault(cfg.ResponseHeaderTimeout, defaultResponseHeaderTimeout),
		idleTimeout:   orDefault(cfg.PoolIdleTimeout, defaultPoolIdleTimeout),
		maxIdle:       orDefault(cfg.MaxIdlePerParent, defaultMaxIdlePerParent),
	}
	np, err := ParseNoProxy(cfg.NoProxy)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, set: set, log: log}
	for _, p := range cfg.Parents {
		if _, _, err := net.SplitHostPort(p); err != nil {
			return nil, fmt.Errorf("parent %q: want host:port: %w", p, err)
		}
		s.upstreams = append(s.upstreams, newUpstream(p, set))
	}
	s.router = &staticRouter{noProxy: np, parents: s.upstreams}
	s.direct = &http.Transport{
		Proxy:                 nil,
		DialContext:           set.dialer.DialContext,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       set.idleTimeout,
		ResponseHeaderTimeout: set.headerTimeout,
		DisableCompression:    true,
	}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: orDefault(cfg.ReadHeaderTimeout, defaultReadHeaderTimeout),
		IdleTimeout:       orDefault(cfg.ClientIdleTimeout, defaultClientIdleTimeout),
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	return s, nil
}

// Upstreams returns the parents in configured order.
func (s *Server) Upstreams() []*Upstream { return s.upstreams }

// Guard returns the lockout guard.
func (s *Server) Guard() *auth.Guard { return s.set.guard }

// Listen opens the listeners and returns their addresses.
func (s *Server) Listen() ([]net.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var addrs []net.Addr
	var lc net.ListenConfig
	for _, a := range s.cfg.Listen {
		ln, err := lc.Listen(context.Background(), "tcp", a)
		if err != nil {
			for _, l := range s.lns {
				l.Close()
			}
			s.lns = nil
			return nil, fmt.Errorf("listen on %s: %w (is another proxy, or ferry itself, already running there?)", a, err)
		}
		s.lns = append(s.lns, ln)
		addrs = append(addrs, ln.Addr())
	}
	return addrs, nil
}

// Serve serves until ctx is done, then stops accepting, lets in-flight
// requests and tunnels finish for up to ShutdownTimeout, closes the rest
// and returns nil.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	lns := s.lns
	s.mu.Unlock()
	if len(lns) == 0 {
		return errors.New("relay: Serve called before Listen")
	}
	s.started = time.Now()
	errc := make(chan error, len(lns))
	for _, ln := range lns {
		go func() { errc <- s.srv.Serve(ln) }()
	}
	janitorDone := make(chan struct{})
	jctx, stopJanitor := context.WithCancel(context.Background())
	go func() {
		defer close(janitorDone)
		s.janitor(jctx)
	}()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	s.log.Info("stopping: draining in-flight requests and tunnels", "tunnels", s.tunnels.count())
	sctx, cancel := context.WithTimeout(context.Background(), orDefault(s.cfg.ShutdownTimeout, defaultShutdownTimeout))
	defer cancel()
	_ = s.srv.Shutdown(sctx)
	drained := make(chan struct{})
	go func() { s.tunnels.wg.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-sctx.Done():
	}
	s.tunnels.closeAll()
	_ = s.srv.Close()
	stopJanitor()
	<-janitorDone
	for _, u := range s.upstreams {
		u.closeIdle(0)
	}
	s.direct.CloseIdleConnections()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// janitor closes pooled connections that stayed idle too long, so the
// parent's own idle timeout rarely meets a request.
func (s *Server) janitor(ctx context.Context) {
	t := time.NewTicker(s.set.idleTimeout / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, u := range s.upstreams {
				u.closeIdle(s.set.idleTimeout)
			}
		}
	}
}

// ServeHTTP dispatches an app's request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	honourProxyConnection(w, r)
	switch {
	case r.Method == http.MethodConnect:
		s.serveConnect(w, r)
	case !r.URL.IsAbs() || s.isSelf(r.URL.Host):
		s.serveLocal(w, r)
	default:
		s.serveForward(w, r)
	}
}

// isSelf reports whether hostport is one of ferry's own listeners, so
// http://127.0.0.1:3128/ shows the status instead of looping.
func (s *Server) isSelf(hostport string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ln := range s.lns {
		if ln.Addr().String() == hostport {
			return true
		}
	}
	return false
}

// serveLocal answers requests addressed to ferry itself.
func (s *Server) serveLocal(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		writeError(w, &Error{Cause: CauseBadRequest,
			What: "this is ferry, a proxy: it got a request for " + r.URL.Path + " addressed to itself",
			Fix:  "set ferry's address as the app's proxy (http_proxy=http://" + r.Host + ") instead of requesting it directly"})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, "ferry %s is running (up %s).\nPoint apps at it with http_proxy=http://%s and https_proxy=http://%s\n\n",
		orDefault(s.cfg.Version, "dev"), time.Since(s.started).Round(time.Second), r.Host, r.Host)
	for _, u := range s.upstreams {
		st := u.Stats()
		state := "up"
		if !st.Up {
			state = "down until " + st.DownUntil.Format(time.TimeOnly) + ": " + st.LastError
		}
		fmt.Fprintf(w, "parent %s: %s; scheme %s; %d idle connections; %d requests, %d handshakes, %d failed logons\n",
			st.Addr, state, orDefault(st.Scheme, "-"), st.Idle, st.Requests, st.Handshakes, st.FailedLogons)
	}
	for _, lo := range s.set.guard.Snapshot() {
		fmt.Fprintf(w, "credentials resting until %s after a rejection\n", lo.Until.Format(time.TimeOnly))
	}
}

// honourProxyConnection applies the app's Proxy-Connection header to the
// app's own connection, as clients that send it expect; net/http reads only
// Connection. It never reaches the parent.
func honourProxyConnection(w http.ResponseWriter, r *http.Request) {
	switch {
	case headerHasToken(r.Header, "Proxy-Connection", "close"):
		w.Header().Set("Connection", "close")
	case !r.ProtoAtLeast(1, 1) && headerHasToken(r.Header, "Proxy-Connection", "keep-alive") && r.Header.Get("Connection") == "":
		// net/http decides HTTP/1.0 keep-alive from Connection when it
		// writes the response head.
		r.Header.Set("Connection", "keep-alive")
	}
}
