package relay

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/ferryproxy/ferry/relay/acl"
)

// The kinds of listener.
const (
	kindHTTP   = "http"   // HTTP proxy (absolute-form and CONNECT)
	kindSOCKS5 = "socks5" // SOCKS5, CONNECT only
	kindTunnel = "tunnel" // every connection is tunneled to a fixed target
)

// listenSpec is one configured listener.
type listenSpec struct {
	kind, addr, target string
	// optional: a failure to open it is logged, not fatal (the IPv6
	// loopback of a "localhost" listener, which not every host has).
	optional bool
}

// listener is an open one; ACL checks happen in Accept.
type listener struct {
	net.Listener
	spec listenSpec
	// target is a tunnel's target now: a reload may change it while the
	// listener stays open (retarget).
	target atomic.Pointer[string]
}

// specs lists cfg's listeners.
func specs(cfg Config) []listenSpec {
	var out []listenSpec
	for _, a := range cfg.Listen {
		out = append(out, loopbacks(listenSpec{kind: kindHTTP, addr: a})...)
	}
	for _, a := range cfg.SOCKS5 {
		out = append(out, loopbacks(listenSpec{kind: kindSOCKS5, addr: a})...)
	}
	for _, t := range cfg.Tunnels {
		out = append(out, loopbacks(listenSpec{kind: kindTunnel, addr: t.Listen, target: t.Target})...)
	}
	return out
}

// loopbacks turns a "localhost:PORT" listener into one on each loopback:
// 127.0.0.1, and ::1 where the host has it. Apps resolve localhost to
// either (Node 17 and later try ::1 first), and net.Listen would bind only
// the first address the name resolves to, so http_proxy=http://localhost:3128
// met "connection refused" half the time. Port 0 keeps to 127.0.0.1: two
// ports picked apart would be two proxies.
func loopbacks(sp listenSpec) []listenSpec {
	host, port, err := net.SplitHostPort(sp.addr)
	if err != nil || !strings.EqualFold(host, "localhost") {
		return []listenSpec{sp}
	}
	v4, v6 := sp, sp
	v4.addr = net.JoinHostPort("127.0.0.1", port)
	if port == "0" {
		return []listenSpec{v4}
	}
	v6.addr, v6.optional = net.JoinHostPort("::1", port), true
	return []listenSpec{v4, v6}
}

// checkGateway refuses a listener that other machines can reach unless an
// allow list says who may use it: ferry must never be an open proxy.
func checkGateway(cfg Config, clients *acl.List) error {
	for _, sp := range specs(cfg) {
		host, _, err := net.SplitHostPort(sp.addr)
		if err != nil {
			return fmt.Errorf("listen address %q: want host:port", sp.addr)
		}
		if host == "localhost" {
			continue
		}
		ip, err := netip.ParseAddr(host)
		if err == nil && ip.IsLoopback() {
			continue
		}
		if !clients.Gateway() {
			return fmt.Errorf("listening on %s would serve other machines, and no allow list says which: "+
				"set allow = [\"172.17.0.0/16\"] (the addresses that may use ferry), or listen on 127.0.0.1", sp.addr)
		}
	}
	return nil
}

// Listen opens the configured listeners and returns the HTTP ones'
// addresses (in configured order).
func (s *Server) Listen() ([]net.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.syncListeners(specs(s.gen.Load().cfg)); err != nil {
		return nil, err
	}
	return s.addrsLocked(kindHTTP), nil
}

// Addrs returns the addresses of the open HTTP listeners.
func (s *Server) Addrs() []net.Addr { return s.AddrsOf(kindHTTP) }

// AddrsOf returns the addresses of the open listeners of a kind: "http",
// "socks5" or "tunnel".
func (s *Server) AddrsOf(kind string) []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrsLocked(kind)
}

func (s *Server) addrsLocked(kind string) []net.Addr {
	var out []net.Addr
	for _, sp := range specs(s.gen.Load().cfg) {
		if l, ok := s.lns[sp]; ok && sp.kind == kind {
			out = append(out, l.Addr())
		}
	}
	return out
}

// syncListeners opens the listeners in want that are not open and closes
// the open ones not in want. Nothing changes if one fails to open.
func (s *Server) syncListeners(want []listenSpec) error {
	// A listener opened as 127.0.0.1:0 stays when the new config names the
	// address it got, and a tunnel's listener when the new config gives it
	// another target (opening a second listener on its address failed with
	// "address already in use", so the fix for a looping tunnel needed a
	// restart). Only its key and l.target change: its accept loop reads
	// l.spec without the lock, and kind is the same under both keys.
	for sp, l := range s.lns {
		got := sp
		got.addr = l.Addr().String()
		if w, ok := retarget(sp, got.addr, want, s.lns); ok {
			got = w
		}
		if got != sp && slices.Contains(want, got) {
			delete(s.lns, sp)
			s.lns[got] = l
			if got.target != sp.target {
				l.target.Store(&got.target)
				s.log.Info("tunnel target changed", "addr", got.addr, "target", got.target, "was", sp.target)
			}
		}
	}
	var lc net.ListenConfig
	opened := map[listenSpec]*listener{}
	for _, sp := range want {
		if _, ok := s.lns[sp]; ok {
			continue
		}
		if _, ok := opened[sp]; ok {
			continue
		}
		ln, err := lc.Listen(context.Background(), "tcp", sp.addr)
		if err != nil && sp.optional {
			if errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) {
				s.log.Debug("no IPv6 loopback here: listening on 127.0.0.1 only", "addr", sp.addr)
			} else {
				s.log.Warn("cannot listen on the IPv6 loopback too; apps that resolve localhost to ::1 will not reach ferry",
					"addr", sp.addr, "err", err.Error(), "fix", "free the port on ::1, or set listen to 127.0.0.1:PORT and use http://127.0.0.1:PORT in apps")
			}
			continue
		}
		if err != nil {
			for _, l := range opened {
				l.Close()
			}
			return fmt.Errorf("listen on %s: %w (is another proxy, or ferry itself, already running there?)", sp.addr, err)
		}
		l := &listener{Listener: &acl.Listener{Listener: ln, List: s.acl, HTTP: sp.kind == kindHTTP, Log: s.log.Warn}, spec: sp}
		l.target.Store(&sp.target)
		opened[sp] = l
	}
	for sp, l := range s.lns {
		if !slices.Contains(want, sp) {
			delete(s.lns, sp)
			l.Close()
			s.log.Info("ferry stopped listening", "kind", sp.kind, "addr", l.Addr().String())
		}
	}
	for sp, l := range opened {
		s.lns[sp] = l
		if s.serving {
			s.logListening(l)
			go s.serveListener(l)
		}
	}
	var self []string
	for sp, l := range s.lns {
		if sp.kind == kindHTTP {
			self = append(self, l.Addr().String())
		}
	}
	s.self.Store(&self)
	own := s.ownAddrs()
	s.own.Store(&own)
	return nil
}

// retarget finds the spec in want for open tunnel listener sp (at addr, the
// address it got) with only its target changed, when want has no sp and
// the changed one is not open.
func retarget(sp listenSpec, addr string, want []listenSpec, open map[listenSpec]*listener) (listenSpec, bool) {
	if sp.kind != kindTunnel || slices.Contains(want, sp) {
		return listenSpec{}, false
	}
	for _, w := range want {
		if _, ok := open[w]; !ok && w.kind == kindTunnel && (w.addr == sp.addr || w.addr == addr) && w.optional == sp.optional {
			return w, true
		}
	}
	return listenSpec{}, false
}

func (s *Server) acl() *acl.List { return s.gen.Load().acl }

func (s *Server) logListening(l *listener) {
	switch l.spec.kind {
	case kindHTTP:
		s.log.Info("ferry listening", "addr", l.Addr().String())
	case kindSOCKS5:
		s.log.Info("ferry listening", "kind", "socks5", "addr", l.Addr().String())
	case kindTunnel:
		s.log.Info("ferry listening", "kind", "tunnel", "addr", l.Addr().String(), "target", *l.target.Load())
	}
}

func (s *Server) serveListener(l *listener) {
	err := s.acceptLoop(l)
	s.mu.Lock()
	mine := false // still open: not closed by a reload or by Close
	for _, x := range s.lns {
		mine = mine || x == l
	}
	s.mu.Unlock()
	if mine && !errors.Is(err, net.ErrClosed) {
		select {
		case s.errc <- err:
		default:
		}
	}
}

// acceptLoop serves a listener until it is closed.
func (s *Server) acceptLoop(l *listener) error {
	for {
		c, err := s.accept(l)
		if err != nil {
			return err
		}
		go func() {
			switch l.spec.kind {
			case kindHTTP:
				s.serveApp(c)
			case kindSOCKS5:
				s.serveSOCKS5(c)
			case kindTunnel:
				s.serveTunnel(c, *l.target.Load())
			}
		}()
	}
}

// serveTunnel forwards one connection of a port tunnel (cntlm's -L) to its
// target through the routed parents.
//
// The connection counts against max_connections for as long as it is open.
// A tunnel whose target leads back to it through something ferry cannot
// see (another ferry's tunnel pointing back at this one, a port forward on
// another machine) opens connections in a loop, each as fast as the last
// one's connect, until something bounds it: without this count it was the
// open-file limit (4,081 descriptors in 0.4 s with a limit of 4,096), and
// every app with it. A port forward carries a few long connections (ssh,
// a database), far fewer than the default 4,096.
func (s *Server) serveTunnel(c net.Conn, target string) {
	if !s.conns.take() {
		c.Close() // raw TCP: no 503 an app could read
		s.log.Warn("tunnel connection refused: ferry is serving limits.max_connections connections at once",
			"target", target, "max_connections", s.conns.max,
			"fix", "if this tunnel's connections never end, its target leads back to it in a loop (another ferry's [[tunnel]] pointing at this one, or a port forward to it): check the target; otherwise raise limits.max_connections")
		return
	}
	defer s.conns.release()
	ctx, cancel := context.WithTimeout(context.Background(), s.gen.Load().set.dialer.Timeout+s.gen.Load().set.headerTimeout)
	up, pending, ref, e := s.dialTunnel(ctx, target, "", kindTunnel)
	cancel()
	if ref != nil {
		ref.done(false)
		ref.resp.Body.Close()
		s.log.Warn("tunnel refused by the parent", "target", target, "status", ref.resp.Status)
		c.Close()
		return
	}
	if e != nil {
		s.log.Warn("tunnel failed", "target", target, "cause", e.Cause.Name, "err", e.Error(), "fix", e.Fix)
		c.Close()
		return
	}
	s.tunnels.Conns(c, nil, up, pending, s.gen.Load().set.tunnelIdle)
}
