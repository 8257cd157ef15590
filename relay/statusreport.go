package relay

import (
	"context"
	"net/url"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay/parent"
	"github.com/ferryproxy/ferry/relay/report"
	"github.com/ferryproxy/ferry/relay/route"
)

// Status returns the server's current report.
func (s *Server) Status() report.Status {
	now := time.Now()
	g := s.gen.Load()
	started := s.startedAt()
	rep := report.Status{
		Version: orDefault(s.version, "dev"), Started: started,
		Tunnels: s.tunnels.Count(), Config: SummarizeConfig(g.cfg),
		Listeners: []string{},
	}
	if !started.IsZero() {
		rep.UptimeSeconds = now.Sub(started).Seconds()
	}
	for _, a := range s.Addrs() {
		rep.Listeners = append(rep.Listeners, a.String())
	}
	rep.SOCKS5Listeners, rep.TunnelListeners = s.otherListeners()
	rep.Resting = report.Resting(s.Guard().Snapshot(), now)
	var stats []parent.Stats
	for _, u := range s.Upstreams() {
		stats = append(stats, u.Stats())
	}
	rep.Parents = report.Parents(stats, rep.Resting)
	return rep
}

// newPages serves ferry's own pages from this server's state; New makes
// one per Server, whose retry tokens hold for the Server's life.
func (s *Server) newPages() *report.Pages {
	p := &report.Pages{
		Status: s.Status,
		Addrs:  s.Addrs,
		Retry:  func() { s.Guard().Reset() },
		PAC:    func(self string) string { return route.ProxyPAC(s.gen.Load().cfg.NoProxy, self) },
		Logger: s.log,
	}
	// Whether the forms exist is New's config's to say; a reload changes
	// what they call (ferry sets the hooks in every config it loads).
	cfg := s.gen.Load().cfg
	if cfg.ChangePassword != nil {
		p.ChangePassword = func(ctx context.Context, pw, testURL string) report.PasswordResult {
			if h := s.gen.Load().cfg.ChangePassword; h != nil {
				res := h(ctx, pw, testURL)
				if res.Reloaded {
					// The rests were of the password the user just
					// replaced: the new one is tried at once anyway, and
					// the page and doctor should not go on showing them.
					s.Guard().Reset()
				}
				return res
			}
			return report.PasswordResult{Detail: "this ferry no longer takes passwords from the status page"}
		}
	}
	if cfg.CheckURL != nil {
		p.CheckURL = func(ctx context.Context, lang, u string) report.URLCheck {
			if h := s.gen.Load().cfg.CheckURL; h != nil {
				return h(ctx, lang, u)
			}
			return report.URLCheck{URL: u, Verdict: "config_invalid", Title: "this ferry no longer tests URLs from the status page"}
		}
	}
	return p
}

// retryToken is the token of the status page's "retry now" form.
func (s *Server) retryToken() string { return s.pages.RetryToken() }

// startedAt is when Serve started. Serve sets it under mu; a caller in
// another goroutine (a test, doctor, a handler the race detector cannot
// order after Serve) reads it under mu too.
func (s *Server) startedAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// SummarizeConfig returns cfg without its secrets.
func SummarizeConfig(cfg Config) report.ConfigSummary {
	cs := report.ConfigSummary{
		Listen: cfg.Listen, Parents: cfg.Parents, NoProxy: cfg.NoProxy, AuthScheme: "none",
		Timeouts: map[string]string{
			"connect":         orDefault(cfg.ConnectTimeout, defaultConnectTimeout).String(),
			"response_header": orDefault(cfg.ResponseHeaderTimeout, defaultResponseHeaderTimeout).String(),
			"pool_idle":       orDefault(cfg.PoolIdleTimeout, defaultPoolIdleTimeout).String(),
			"client_idle":     orDefault(cfg.ClientIdleTimeout, defaultClientIdleTimeout).String(),
			"read_header":     orDefault(cfg.ReadHeaderTimeout, defaultReadHeaderTimeout).String(),
			"shutdown":        orDefault(cfg.ShutdownTimeout, defaultShutdownTimeout).String(),
		},
		LockoutCooldown: auth.DefaultLockoutCooldown.String(),
	}
	if len(cs.Listen) == 0 {
		cs.Listen = []string{DefaultListen}
	}
	if cfg.PAC != "" {
		cs.PAC = redactURLString(cfg.PAC)
		cs.PACFallback = cfg.PACFallback
	}
	cs.SOCKS5 = cfg.SOCKS5
	for _, t := range cfg.Tunnels {
		cs.Tunnels = append(cs.Tunnels, report.TunnelListener(t))
	}
	if len(cfg.Headers) > 0 {
		cs.Headers = map[string]string{}
		for k := range cfg.Headers {
			cs.Headers[k] = report.Redacted
		}
	}
	if cfg.Auth != nil {
		a := cfg.Auth.Config()
		cs.AuthScheme = orDefault(a.Scheme, "auto")
		cs.User = a.Identity()
		cs.Realm = a.Realm
		if a.Password != "" || len(a.NTHash) > 0 {
			cs.Password = report.Redacted
		}
		cs.Keytab = a.Keytab
		cs.CCache = a.CCache
		cs.Usable = cfg.Auth.Names()
		cs.LockoutCooldown = orDefault(a.LockoutCooldown, auth.DefaultLockoutCooldown).String()
	}
	return cs
}

// otherListeners lists the open SOCKS5 and tunnel listeners.
func (s *Server) otherListeners() (socks []string, tunnels []report.TunnelListener) {
	socks, tunnels = []string{}, []report.TunnelListener{}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sp := range specs(s.gen.Load().cfg) {
		l, ok := s.lns[sp]
		if !ok {
			continue
		}
		switch sp.kind {
		case kindSOCKS5:
			socks = append(socks, l.Addr().String())
		case kindTunnel:
			tunnels = append(tunnels, report.TunnelListener{Listen: l.Addr().String(), Target: sp.target})
		}
	}
	return socks, tunnels
}

// redactURLString drops the user info of a URL (a PAC's address may carry
// credentials); anything else comes back as it was.
func redactURLString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User(report.Redacted)
	return u.String()
}
