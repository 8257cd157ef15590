package relay

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/pac"
)

// PAC fallback modes: what to do when the PAC cannot be fetched or
// evaluated. Never silently direct unless asked.
const (
	PACFallbackParents = "parents"
	PACFallbackDirect  = "direct"
	PACFallbackFail    = "fail"
)

// pacRouter routes by a PAC file: no_proxy first, then the script's answer
// in order, with failover. Proxies the PAC names are Upstreams too; only
// those listed in Parents or AllowHosts get credentials.
type pacRouter struct {
	loc      string
	fallback string
	refresh  time.Duration
	static   *staticRouter
	allow    *hostList
	set      *settings // with credentials
	bare     *settings // the same without: for proxies not allowed them
	log      func(msg string, args ...any)

	script  atomic.Pointer[pac.Script]
	src     atomic.Pointer[[]byte]
	kick    chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
	mu      sync.Mutex
	proxies map[string]*Upstream
	warned  map[string]bool
	lastErr atomic.Pointer[string]
}

func newPACRouter(cfg Config, static *staticRouter, set *settings) (*pacRouter, error) {
	allow, err := parseHostList(cfg.AllowHosts)
	if err != nil {
		return nil, err
	}
	fallback := cfg.PACFallback
	if fallback == "" {
		fallback = PACFallbackFail
		if len(cfg.Parents) > 0 {
			fallback = PACFallbackParents
		}
	}
	switch fallback {
	case PACFallbackParents, PACFallbackDirect, PACFallbackFail:
	default:
		return nil, fmt.Errorf("pac_fallback %q: use \"parents\", \"direct\" or \"fail\"", cfg.PACFallback)
	}
	bare := *set
	bare.auth = nil
	r := &pacRouter{
		loc: cfg.PAC, fallback: fallback, refresh: orDefault(cfg.PACRefresh, 5*time.Minute),
		static: static, allow: allow, set: set, bare: &bare, log: set.log.Warn,
		kick: make(chan struct{}, 1), done: make(chan struct{}),
		proxies: map[string]*Upstream{}, warned: map[string]bool{},
	}
	for _, u := range static.parents {
		r.proxies[u.Addr()] = u
	}
	// The first load waits (briefly): requests right after start should
	// follow the PAC, not the fallback.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	r.load(ctx)
	cancel()
	bg, stop := context.WithCancel(context.Background())
	r.stop = stop
	go r.keepFresh(bg)
	return r, nil
}

// client fetches the PAC directly: a PAC behind ferry itself would loop.
var pacClient = &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}

func (r *pacRouter) load(ctx context.Context) {
	src, err := pac.Load(ctx, r.loc, pacClient)
	if err == nil {
		if old := r.src.Load(); old != nil && bytes.Equal(*old, src) && r.script.Load() != nil {
			return
		}
		var s *pac.Script
		s, err = pac.Parse(src, pac.Options{Name: r.loc, Logger: r.set.log})
		if err == nil {
			r.script.Store(s)
			r.src.Store(&src)
			r.lastErr.Store(nil)
			r.set.log.Info("PAC loaded", "pac", r.loc, "bytes", len(src))
			return
		}
	}
	msg := err.Error()
	if prev := r.lastErr.Load(); prev == nil || *prev != msg {
		r.set.log.Warn("PAC not usable; "+r.fallbackWords(), "pac", r.loc, "err", msg)
	}
	r.lastErr.Store(&msg)
}

func (r *pacRouter) fallbackWords() string {
	switch r.fallback {
	case PACFallbackParents:
		return "using the configured parents (pac_fallback = \"parents\")"
	case PACFallbackDirect:
		return "going directly (pac_fallback = \"direct\")"
	}
	return "failing requests (pac_fallback = \"fail\")"
}

func (r *pacRouter) keepFresh(ctx context.Context) {
	defer close(r.done)
	t := time.NewTicker(r.refresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.kick:
		}
		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		r.load(lctx)
		cancel()
	}
}

// NetworkChanged fetches the PAC again: another network, another answer.
func (r *pacRouter) NetworkChanged() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

func (r *pacRouter) close() {
	r.stop()
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	for addr, u := range r.proxies {
		if !isConfiguredParent(r.static, addr) {
			u.Retire()
		}
	}
}

func isConfiguredParent(s *staticRouter, addr string) bool {
	for _, u := range s.parents {
		if u.Addr() == addr {
			return true
		}
	}
	return false
}

// Route implements Router.
func (r *pacRouter) Route(ctx context.Context, hostport, rawURL string) (Decision, error) {
	if r.static.noProxy.Match(hostport) {
		return Decision{Direct: true}, nil
	}
	s := r.script.Load()
	if s == nil {
		return r.fail(hostport, fmt.Errorf("the PAC %s could not be loaded: %s", r.loc, derefOr(r.lastErr.Load(), "not loaded yet")))
	}
	list, err := s.FindProxy(ctx, rawURL, hostOnlyOf(hostport))
	if err != nil {
		// Once per kind of failure, not per request: the same script
		// throws the same way for every URL.
		kind := quotedCall.ReplaceAllString(err.Error(), "(URL)")
		r.warnOnce("run:"+kind, "the PAC script failed; "+r.fallbackWords(), "pac", r.loc, "url", redactRawURL(rawURL), "err", err.Error())
		return r.fail(hostport, err)
	}
	var d Decision
	for i, p := range list {
		switch p.Type {
		case "DIRECT":
			if i == 0 {
				return Decision{Direct: true}, nil
			}
			d.FallbackDirect = true
		case "PROXY":
			d.Parents = append(d.Parents, r.upstream(p.Addr))
		default:
			r.warnOnce("type:"+p.Type, "the PAC names a "+p.Type+" proxy, which ferry does not use as a parent; skipping it", "proxy", p.Addr)
		}
		if d.FallbackDirect {
			break
		}
	}
	if len(d.Parents) == 0 && !d.FallbackDirect {
		err := fmt.Errorf("the PAC answered %q for %s: nothing ferry can use", pacString(list), hostport)
		r.warnOnce("unusable:"+pacString(list), "the PAC script failed; "+r.fallbackWords(), "pac", r.loc, "url", redactRawURL(rawURL), "err", err.Error())
		return r.fail(hostport, err)
	}
	if len(d.Parents) == 0 {
		return Decision{Direct: true}, nil
	}
	d.Parents = healthyFirst(d.Parents)
	return d, nil
}

func (r *pacRouter) fail(hostport string, err error) (Decision, error) {
	switch r.fallback {
	case PACFallbackParents:
		return r.static.Route(context.Background(), hostport, "")
	case PACFallbackDirect:
		return Decision{Direct: true}, nil
	}
	return Decision{}, &failure.Error{Cause: failure.PACFailed, Peer: r.loc, What: "cannot route " + hostport + ": " + err.Error(),
		Fix: "check the PAC (ferry pac check FILE, ferry pac eval URL), or set pac_fallback = \"parents\" to use the configured parents meanwhile"}
}

// upstream returns the Upstream for a proxy the PAC named, creating it on
// first use; credentials only for configured parents and allow_hosts.
func (r *pacRouter) upstream(addr string) *Upstream {
	r.mu.Lock()
	defer r.mu.Unlock()
	if u, ok := r.proxies[addr]; ok {
		return u
	}
	set := r.set
	if !r.allow.matches(hostOnlyOf(addr)) {
		set = r.bare
		if r.set.auth.Enabled() {
			r.set.log.Warn("the PAC names a proxy that is not in parents or auth.allow_hosts: ferry sends it no credentials",
				"proxy", addr, "fix", "if it is your company's proxy, add \""+hostOnlyOf(addr)+"\" to auth.allow_hosts")
		}
	}
	u := newUpstream(addr, set)
	r.proxies[addr] = u
	return u
}

func (r *pacRouter) warnOnce(key, msg string, args ...any) {
	r.mu.Lock()
	seen := r.warned[key]
	r.warned[key] = true
	r.mu.Unlock()
	if !seen {
		r.log(msg, args...)
	}
}

// upstreams lists every Upstream the router made, for status and reloads.
func (r *pacRouter) upstreams() []*Upstream {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Upstream, 0, len(r.proxies))
	for _, u := range r.proxies {
		out = append(out, u)
	}
	return out
}

func healthyFirst(us []*Upstream) []*Upstream {
	now := time.Now()
	var up, down []*Upstream
	for _, u := range us {
		if u.Healthy(now) {
			up = append(up, u)
		} else {
			down = append(down, u)
		}
	}
	return append(up, down...)
}

func pacString(list []pac.Proxy) string {
	var parts []string
	for _, p := range list {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, "; ")
}

// quotedCall is the ("URL") of a PAC error, which differs per request.
var quotedCall = regexp.MustCompile(`\("(?:[^"\\]|\\.)*"\)`)

// redactRawURL is a URL for logs: no user info, no query.
func redactRawURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

func derefOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func hostOnlyOf(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// hostList matches proxy hosts that may receive credentials: names,
// domain suffixes (".corp.example" or "corp.example" with subdomains),
// IP addresses and CIDRs.
type hostList struct {
	names    []string
	prefixes []netip.Prefix
}

func parseHostList(list []string) (*hostList, error) {
	h := &hostList{}
	for _, raw := range list {
		s := strings.ToLower(strings.TrimSpace(raw))
		switch {
		case s == "":
		case strings.Contains(s, "/"):
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("auth.allow_hosts %q: not a valid CIDR range", raw)
			}
			h.prefixes = append(h.prefixes, p.Masked())
		default:
			if ip, err := netip.ParseAddr(s); err == nil {
				h.prefixes = append(h.prefixes, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
				continue
			}
			h.names = append(h.names, strings.TrimPrefix(strings.TrimPrefix(s, "*"), "."))
		}
	}
	return h, nil
}

func (h *hostList) matches(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if ip, err := netip.ParseAddr(host); err == nil {
		for _, p := range h.prefixes {
			if p.Contains(ip.Unmap()) {
				return true
			}
		}
		return false
	}
	for _, n := range h.names {
		if host == n || strings.HasSuffix(host, "."+n) {
			return true
		}
	}
	return false
}
