package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryproxy/ferry/auth"
)

// Server is ferry's HTTP proxy: its listeners and the current generation
// of parents, routing and credentials.
type Server struct {
	log     *slog.Logger
	version string
	gen     atomic.Pointer[generation]
	srv     *http.Server
	tunnels tunnelSet
	started time.Time
	conns   connLimit

	mu      sync.Mutex
	lns     map[string]net.Listener // by configured address
	serving bool
	errc    chan error // a listener that failed while serving
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
	g, err := newGeneration(cfg, log)
	if err != nil {
		return nil, err
	}
	s := &Server{log: log, version: cfg.Version, lns: map[string]net.Listener{}, errc: make(chan error, 1)}
	s.gen.Store(g)
	s.conns.max = orDefault(cfg.MaxConns, defaultMaxConns)
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: orDefault(cfg.ReadHeaderTimeout, defaultReadHeaderTimeout),
		IdleTimeout:       orDefault(cfg.ClientIdleTimeout, defaultClientIdleTimeout),
		MaxHeaderBytes:    orDefault(cfg.MaxHeaderBytes, defaultMaxHeaderBytes),
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		ConnState:         s.conns.track,
	}
	return s, nil
}

// Upstreams returns the current parents in configured order.
func (s *Server) Upstreams() []*Upstream { return s.gen.Load().upstreams }

// Guard returns the current lockout guard.
func (s *Server) Guard() *auth.Guard { return s.gen.Load().set.guard }

// Listen opens the configured listeners and returns their addresses.
func (s *Server) Listen() ([]net.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.syncListeners(s.gen.Load().cfg.Listen); err != nil {
		return nil, err
	}
	return s.addrsLocked(), nil
}

// Addrs returns the addresses of the open listeners.
func (s *Server) Addrs() []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrsLocked()
}

func (s *Server) addrsLocked() []net.Addr {
	var out []net.Addr
	for _, a := range s.gen.Load().cfg.Listen {
		if ln, ok := s.lns[a]; ok {
			out = append(out, ln.Addr())
		}
	}
	return out
}

// syncListeners opens the addresses in want that are not open and closes
// the open ones not in want. Nothing changes if one fails to open.
func (s *Server) syncListeners(want []string) error {
	var lc net.ListenConfig
	// A listener opened as 127.0.0.1:0 stays when the new config names the
	// address it got.
	for k, ln := range s.lns {
		if a := ln.Addr().String(); k != a && slices.Contains(want, a) {
			delete(s.lns, k)
			s.lns[a] = ln
		}
	}
	opened := map[string]net.Listener{}
	for _, a := range want {
		if _, ok := s.lns[a]; ok {
			continue
		}
		if _, ok := opened[a]; ok {
			continue
		}
		ln, err := lc.Listen(context.Background(), "tcp", a)
		if err != nil {
			for _, l := range opened {
				l.Close()
			}
			return fmt.Errorf("listen on %s: %w (is another proxy, or ferry itself, already running there?)", a, err)
		}
		opened[a] = ln
	}
	for a, ln := range s.lns {
		if !slices.Contains(want, a) {
			delete(s.lns, a)
			ln.Close()
			s.log.Info("ferry stopped listening", "addr", ln.Addr().String())
		}
	}
	for a, ln := range opened {
		s.lns[a] = ln
		if s.serving {
			s.log.Info("ferry listening", "addr", ln.Addr().String())
			go s.serveListener(ln)
		}
	}
	return nil
}

func (s *Server) serveListener(ln net.Listener) {
	err := s.srv.Serve(ln)
	s.mu.Lock()
	mine := false
	for _, l := range s.lns {
		mine = mine || l == ln
	}
	s.mu.Unlock()
	if mine && !errors.Is(err, http.ErrServerClosed) {
		select {
		case s.errc <- err:
		default:
		}
	}
}

// Reload applies a new configuration without dropping anything under way:
// new requests use the new parents, routing and credentials (the lockout
// guard starts afresh), listeners are opened and closed to match, tunnels and
// requests in flight finish on the old ones. App-side timeouts and limits
// keep their values until a restart. On error nothing changes.
func (s *Server) Reload(cfg Config) error {
	if len(cfg.Listen) == 0 {
		cfg.Listen = []string{DefaultListen}
	}
	g, err := newGeneration(cfg, s.log)
	if err != nil {
		return err
	}
	s.mu.Lock()
	err = s.syncListeners(cfg.Listen)
	var old *generation
	if err == nil {
		old = s.gen.Swap(g)
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	old.retire()
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
	for _, ln := range s.lns {
		go s.serveListener(ln)
	}
	s.mu.Unlock()
	jctx, stopJanitor := context.WithCancel(context.Background())
	janitorDone := make(chan struct{})
	go func() {
		defer close(janitorDone)
		s.janitor(jctx)
	}()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-s.errc:
	}
	s.log.Info("stopping: draining in-flight requests and tunnels", "tunnels", s.tunnels.count())
	g := s.gen.Load()
	sctx, cancel := context.WithTimeout(context.Background(), orDefault(g.cfg.ShutdownTimeout, defaultShutdownTimeout))
	defer cancel()
	s.mu.Lock()
	s.lns = map[string]net.Listener{} // Shutdown closes them
	s.mu.Unlock()
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
	g.retire()
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
			for _, u := range g.upstreams {
				u.closeIdle(g.set.idleTimeout)
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
	for _, a := range s.Addrs() {
		if a.String() == hostport {
			return true
		}
	}
	return false
}

// serveLocal answers requests addressed to ferry itself: the status page,
// /status.json and /metrics (relay/status.go).
func (s *Server) serveLocal(w http.ResponseWriter, r *http.Request) { s.serveSelf(w, r) }

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
