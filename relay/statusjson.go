package relay

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
)

// StatusReport is what ferry shows about itself: the status page renders it,
// /status.json serves it, and `ferry status` and `ferry doctor` read it back.
// It never holds a secret.
type StatusReport struct {
	Version       string               `json:"version"`
	Started       time.Time            `json:"started"`
	UptimeSeconds float64              `json:"uptime_seconds"`
	Listeners     []string             `json:"listeners"`
	Parents       []ParentStatus       `json:"parents"`
	Resting       []RestingCredentials `json:"resting"`
	Tunnels       int                  `json:"tunnels"`
	Config        ConfigSummary        `json:"config"`
}

// ParentStatus is one parent proxy's health, logon state and counters.
type ParentStatus struct {
	Addr      string     `json:"addr"`
	Up        bool       `json:"up"`
	DownUntil *time.Time `json:"down_until,omitempty"`
	Scheme    string     `json:"scheme,omitempty"`
	// Auth is "ok" (a logon worked or none was needed), "resting" (rejected,
	// in cool-down) or "unknown" (no logon tried yet).
	Auth            string     `json:"auth"`
	RestingUntil    *time.Time `json:"resting_until,omitempty"`
	RestingSeconds  float64    `json:"resting_seconds,omitempty"`
	IdleConnections int        `json:"idle_connections"`
	Requests        int64      `json:"requests"`
	Handshakes      int64      `json:"handshakes"`
	Dials           int64      `json:"dials"`
	FailedLogons    int64      `json:"failed_logons"`
	LastError       string     `json:"last_error,omitempty"`
	LastVerdict     string     `json:"last_verdict,omitempty"`
	LastExplanation string     `json:"last_explanation,omitempty"`
	LastFix         []string   `json:"last_fix,omitempty"`
}

// RestingEverywhere is the Parent of a rest that holds at every parent.
const RestingEverywhere = "*"

// RestingCredentials is one entry of the lockout guard.
type RestingCredentials struct {
	// Parent is RestingEverywhere when the rest holds at every parent
	// (the Kerberos server refused the password).
	Parent           string    `json:"parent"`
	Identity         string    `json:"identity"`
	Reason           string    `json:"reason"`
	Since            time.Time `json:"since"`
	Until            time.Time `json:"until"`
	RemainingSeconds float64   `json:"remaining_seconds"`
}

// ConfigSummary is the effective configuration with every secret removed:
// a password shows as "[redacted]", never as itself.
type ConfigSummary struct {
	Listen          []string          `json:"listen"`
	Parents         []string          `json:"parents"`
	NoProxy         []string          `json:"no_proxy"`
	AuthScheme      string            `json:"auth_scheme"`
	User            string            `json:"user,omitempty"`
	Realm           string            `json:"realm,omitempty"`
	Password        string            `json:"password,omitempty"`
	Keytab          string            `json:"keytab,omitempty"`
	CCache          string            `json:"ccache,omitempty"`
	Usable          []string          `json:"usable_schemes"`
	LockoutCooldown string            `json:"lockout_cooldown"`
	Timeouts        map[string]string `json:"timeouts"`
}

// Redacted marks a secret that is set.
const Redacted = "[redacted]"

// SummarizeConfig returns cfg without its secrets.
func SummarizeConfig(cfg Config) ConfigSummary {
	cs := ConfigSummary{
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
	if cfg.Auth != nil {
		a := cfg.Auth.Config()
		cs.AuthScheme = orDefault(a.Scheme, "auto")
		cs.User = a.Identity()
		cs.Realm = a.Realm
		if a.Password != "" || len(a.NTHash) > 0 {
			cs.Password = Redacted
		}
		cs.Keytab = a.Keytab
		cs.CCache = a.CCache
		cs.Usable = cfg.Auth.Names()
		cs.LockoutCooldown = orDefault(a.LockoutCooldown, auth.DefaultLockoutCooldown).String()
	}
	return cs
}

// Status returns the server's current StatusReport.
func (s *Server) Status() StatusReport {
	now := time.Now()
	g := s.gen.Load()
	rep := StatusReport{
		Version: orDefault(s.version, "dev"), Started: s.started,
		Tunnels: s.tunnels.count(), Config: SummarizeConfig(g.cfg),
		Listeners: []string{}, Parents: []ParentStatus{}, Resting: []RestingCredentials{},
	}
	if !s.started.IsZero() {
		rep.UptimeSeconds = now.Sub(s.started).Seconds()
	}
	for _, a := range s.Addrs() {
		rep.Listeners = append(rep.Listeners, a.String())
	}
	resting := map[string]RestingCredentials{}
	for _, lo := range s.Guard().Snapshot() {
		parent := lo.Parent
		if parent == auth.AnyParent {
			parent = RestingEverywhere
		}
		r := RestingCredentials{Parent: parent, Identity: lo.Identity, Reason: lo.Reason, Since: lo.Since, Until: lo.Until,
			RemainingSeconds: lo.Until.Sub(now).Seconds()}
		rep.Resting = append(rep.Resting, r)
		resting[parent] = r
	}
	for _, u := range s.Upstreams() {
		st := u.Stats()
		p := ParentStatus{Addr: st.Addr, Up: st.Up, Scheme: st.Scheme, Auth: "unknown",
			IdleConnections: st.Idle, Requests: st.Requests, Handshakes: st.Handshakes,
			Dials: st.Dials, FailedLogons: st.FailedLogons, LastError: st.LastError}
		if !st.Up {
			t := st.DownUntil
			p.DownUntil = &t
		}
		if u.verified.Load() || (st.Requests > 0 && st.Scheme == "" && st.FailedLogons == 0 && st.LastError == "") {
			p.Auth = "ok"
		}
		r, ok := resting[st.Addr]
		if !ok {
			// The Kerberos server refused the password: it rests everywhere.
			r, ok = resting[RestingEverywhere]
		}
		if ok {
			p.Auth = "resting"
			t := r.Until
			p.RestingUntil = &t
			p.RestingSeconds = r.RemainingSeconds
			p.LastVerdict = msg.CredentialsRejected
		} else if st.LastError != "" {
			p.LastVerdict = st.LastVerdict
		}
		rep.Parents = append(rep.Parents, p)
	}
	return rep
}

// localize fills the explanations of rep in lang.
func localize(rep *StatusReport, lang string) {
	for i := range rep.Parents {
		p := &rep.Parents[i]
		if p.LastVerdict == "" {
			continue
		}
		args := []string{"parent", p.Addr, "until", "-"}
		if p.RestingUntil != nil {
			args[3] = p.RestingUntil.Format(time.TimeOnly)
		}
		p.LastExplanation = msg.Cause(lang, p.LastVerdict, args...)
		p.LastFix = msg.Fix(lang, p.LastVerdict, args...)
	}
}

// serveStatusJSON answers /status.json.
func (s *Server) serveStatusJSON(w http.ResponseWriter, r *http.Request) {
	rep := s.Status()
	localize(&rep, msg.FromAcceptLanguage(r.Header.Get("Accept-Language")))
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(rep)
}
