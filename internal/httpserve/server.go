package httpserve

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Server serves apps' HTTP/1.1 connections with Handler, and keeps the set
// of connections it serves for a graceful stop: idle ones close at once,
// busy ones after their answer. Set Handler, Logger and Options before the
// first ServeConn; they are not changed after.
type Server struct {
	// Handler answers each request. A request's context ends when the
	// app is seen to leave. http.NewResponseController(w).Hijack takes
	// the connection over (CONNECT, WebSocket); it then no longer counts
	// as the Server's.
	Handler http.Handler
	// Logger gets bad requests (debug) and handler panics (error); nil
	// discards.
	Logger *slog.Logger
	// Options are the limits and timeouts.
	Options Options

	mu       sync.Mutex
	conns    map[*conn]bool // value: busy with a request
	stopping atomic.Bool    // set under mu
	drained  chan struct{}  // closed when stopping and nothing is busy
}

// Options are the app-side limits.
type Options struct {
	// IdleTimeout bounds the wait for the next request on a connection.
	IdleTimeout time.Duration
	// HeaderTimeout bounds reading a request head; an app that sends only
	// part of it in time gets a 408.
	HeaderTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers; past it an app
	// gets a 431.
	MaxHeaderBytes int64
}

// ServeConn reads and answers requests on nc until the app or the Server
// ends the connection, or the handler hijacks it. release, if not nil, is
// called once, when nc no longer counts as the Server's: closed, or
// hijacked. After Shutdown, nc is closed at once.
func (s *Server) ServeConn(nc net.Conn, release func()) {
	if release == nil {
		release = func() {}
	}
	c := newConn(s, nc, release)
	if !s.add(c) {
		nc.Close()
		release()
		return
	}
	c.serve()
}

func (s *Server) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// add registers c; false when the Server is stopping.
func (s *Server) add(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping.Load() {
		return false
	}
	if s.conns == nil {
		s.conns = map[*conn]bool{}
	}
	s.conns[c] = false
	return true
}

// idle marks c as waiting for a request; false when the Server is
// stopping and c should close.
func (s *Server) idle(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[c] = false
	s.checkDrained()
	return !s.stopping.Load()
}

// active marks c as busy with a request.
func (s *Server) active(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping.Load() {
		return false
	}
	s.conns[c] = true
	return true
}

// closing reports whether the Server is stopping, so a finished request
// should not be followed by another on the same connection.
func (s *Server) closing() bool { return s.stopping.Load() }

// hijacked forgets c: a tunnel now owns it, and tunnels drain on their own.
func (s *Server) hijacked(c *conn) { s.remove(c) }

func (s *Server) remove(c *conn) {
	s.mu.Lock()
	if _, ok := s.conns[c]; ok {
		delete(s.conns, c)
		s.checkDrained()
	}
	s.mu.Unlock()
	c.release()
}

func (s *Server) checkDrained() {
	if !s.stopping.Load() || s.drained == nil {
		return
	}
	for _, busy := range s.conns {
		if busy {
			return
		}
	}
	select {
	case <-s.drained:
	default:
		close(s.drained)
	}
}

// Shutdown refuses new connections, closes idle ones and waits, until ctx
// ends, for busy ones to finish their request.
func (s *Server) Shutdown(ctx context.Context) {
	s.mu.Lock()
	s.stopping.Store(true)
	s.drained = make(chan struct{})
	for c, busy := range s.conns {
		if !busy {
			c.nc.Close()
		}
	}
	s.checkDrained()
	drained := s.drained
	s.mu.Unlock()
	select {
	case <-drained:
	case <-ctx.Done():
	}
}

// CloseAll closes every connection left.
func (s *Server) CloseAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
	}
}
