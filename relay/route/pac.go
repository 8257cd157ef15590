package route

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
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
	"github.com/ferryproxy/ferry/relay/parent"
)

// PAC fallback modes (PACConfig.Fallback): what to do when the PAC cannot
// be fetched or evaluated. Never silently direct unless asked.
const (
	// FallbackParents routes as Static does (the default with parents).
	FallbackParents = "parents"
	// FallbackDirect goes directly.
	FallbackDirect = "direct"
	// FallbackFail fails the request with pac_failed (the default
	// without parents).
	FallbackFail = "fail"
)

// PACConfig is what a PAC router needs besides its Static router.
type PACConfig struct {
	// Location is the PAC's file path or URL (pac).
	Location string
	// Fallback is FallbackParents, FallbackDirect or FallbackFail (""
	// picks the default) (pac_fallback).
	Fallback string
	// Refresh is how often the PAC is fetched again; zero is 5 minutes
	// (pac_refresh).
	Refresh time.Duration
	// AllowHosts are proxy hosts beside the parents that may get ferry's
	// credentials (auth.allow_hosts).
	AllowHosts []string
	// Credentials says ferry has credentials, so a proxy the PAC names that
	// may not have them is worth a warning.
	Credentials bool
	// NewUpstream makes the client of a proxy the PAC names that is not a
	// configured parent; credentials says whether it may send ferry's.
	NewUpstream func(addr string, credentials bool) *parent.Upstream
	// Log receives the PAC's loading and its failures.
	Log *slog.Logger
}

// PAC routes by a PAC script: no_proxy first, then the script's answer in
// order, with failover. Proxies the PAC names are Upstreams too; only those
// listed in parents or AllowHosts get credentials.
type PAC struct {
	loc         string
	fallback    string
	refresh     time.Duration
	static      *Static
	allow       *hostList
	credentials bool
	newUpstream func(addr string, credentials bool) *parent.Upstream
	logger      *slog.Logger

	script  atomic.Pointer[pac.Script]
	src     atomic.Pointer[[]byte]
	kick    chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
	mu      sync.Mutex
	proxies map[string]*parent.Upstream
	warned  map[string]bool
	lastErr atomic.Pointer[string]
}

// NewPAC loads the PAC at cfg.Location (waiting at most 5 s for it) and
// keeps it fresh until Close; static has no_proxy and the configured
// parents.
func NewPAC(cfg PACConfig, static *Static) (*PAC, error) {
	allow, err := parseHostList(cfg.AllowHosts)
	if err != nil {
		return nil, err
	}
	fallback := cfg.Fallback
	if fallback == "" {
		fallback = FallbackFail
		if len(static.parents) > 0 {
			fallback = FallbackParents
		}
	}
	switch fallback {
	case FallbackParents, FallbackDirect, FallbackFail:
	default:
		return nil, fmt.Errorf("pac_fallback %q: use \"parents\", \"direct\" or \"fail\"", cfg.Fallback)
	}
	refresh := cfg.Refresh
	if refresh == 0 {
		refresh = 5 * time.Minute
	}
	logger := cfg.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &PAC{
		loc: cfg.Location, fallback: fallback, refresh: refresh,
		static: static, allow: allow, credentials: cfg.Credentials, newUpstream: cfg.NewUpstream, logger: logger,
		kick: make(chan struct{}, 1), done: make(chan struct{}),
		proxies: map[string]*parent.Upstream{}, warned: map[string]bool{},
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

func (r *PAC) load(ctx context.Context) {
	src, err := pac.Load(ctx, r.loc, pacClient)
	if err == nil {
		if old := r.src.Load(); old != nil && bytes.Equal(*old, src) && r.script.Load() != nil {
			return
		}
		var s *pac.Script
		s, err = pac.Parse(src, pac.Options{Name: r.loc, Logger: r.logger})
		if err == nil {
			r.script.Store(s)
			r.src.Store(&src)
			r.lastErr.Store(nil)
			r.logger.Info("PAC loaded", "pac", r.loc, "bytes", len(src))
			return
		}
	}
	msg := err.Error()
	if prev := r.lastErr.Load(); prev == nil || *prev != msg {
		r.logger.Warn("PAC not usable; "+r.fallbackWords(), "pac", r.loc, "err", msg)
	}
	r.lastErr.Store(&msg)
}

func (r *PAC) fallbackWords() string {
	switch r.fallback {
	case FallbackParents:
		return "using the configured parents (pac_fallback = \"parents\")"
	case FallbackDirect:
		return "going directly (pac_fallback = \"direct\")"
	}
	return "failing requests (pac_fallback = \"fail\")"
}

func (r *PAC) keepFresh(ctx context.Context) {
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
func (r *PAC) NetworkChanged() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Close stops keeping the PAC fresh and retires the Upstreams of the
// proxies it named (the configured parents are their owner's).
func (r *PAC) Close() {
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

func isConfiguredParent(s *Static, addr string) bool {
	for _, u := range s.parents {
		if u.Addr() == addr {
			return true
		}
	}
	return false
}

// Route implements Router.
func (r *PAC) Route(ctx context.Context, hostport, rawURL string) (Decision, error) {
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

func (r *PAC) fail(hostport string, err error) (Decision, error) {
	switch r.fallback {
	case FallbackParents:
		return r.static.Route(context.Background(), hostport, "")
	case FallbackDirect:
		return Decision{Direct: true}, nil
	}
	return Decision{}, &failure.Error{Cause: failure.PACFailed, Peer: r.loc, What: "cannot route " + hostport + ": " + err.Error(),
		Fix: "check the PAC (ferry pac check FILE, ferry pac eval URL), or set pac_fallback = \"parents\" to use the configured parents meanwhile"}
}

// upstream returns the Upstream for a proxy the PAC named, creating it on
// first use; credentials only for configured parents and allow_hosts.
func (r *PAC) upstream(addr string) *parent.Upstream {
	r.mu.Lock()
	defer r.mu.Unlock()
	if u, ok := r.proxies[addr]; ok {
		return u
	}
	allowed := r.allow.matches(hostOnlyOf(addr))
	if !allowed {
		if r.credentials {
			r.logger.Warn("the PAC names a proxy that is not in parents or auth.allow_hosts: ferry sends it no credentials",
				"proxy", addr, "fix", "if it is your company's proxy, add \""+hostOnlyOf(addr)+"\" to auth.allow_hosts")
		}
	}
	u := r.newUpstream(addr, allowed)
	r.proxies[addr] = u
	return u
}

func (r *PAC) warnOnce(key, msg string, args ...any) {
	r.mu.Lock()
	seen := r.warned[key]
	r.warned[key] = true
	r.mu.Unlock()
	if !seen {
		r.logger.Warn(msg, args...)
	}
}

// Named lists the Upstreams of the proxies the PAC named so far that are
// not configured parents, for the status page.
func (r *PAC) Named() []*parent.Upstream {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*parent.Upstream
	for addr, u := range r.proxies {
		if !isConfiguredParent(r.static, addr) {
			out = append(out, u)
		}
	}
	return out
}

func healthyFirst(us []*parent.Upstream) []*parent.Upstream {
	now := time.Now()
	var up, down []*parent.Upstream
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
