package report

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/parent"
)

// Status is what ferry shows about itself: the status page renders it,
// /status.json serves it, and `ferry status` and `ferry doctor` read it back.
// It never holds a secret.
type Status struct {
	Version       string               `json:"version"`
	Started       time.Time            `json:"started"`
	UptimeSeconds float64              `json:"uptime_seconds"`
	Listeners     []string             `json:"listeners"`
	Parents       []ParentStatus       `json:"parents"`
	Resting       []RestingCredentials `json:"resting"`
	Tunnels       int                  `json:"tunnels"`
	Config        ConfigSummary        `json:"config"`
	// SOCKS5Listeners and TunnelListeners are the other open listeners
	// (Listeners holds the HTTP ones).
	SOCKS5Listeners []string         `json:"socks5_listeners"`
	TunnelListeners []TunnelListener `json:"tunnel_listeners"`
}

// TunnelListener is an open [[tunnel]] listener and where it leads.
type TunnelListener struct {
	Listen string `json:"listen"`
	Target string `json:"target"`
}

// The states of a parent, as ParentStatus.State says them.
const (
	ParentUp      = "up"      // it answered, and is not down
	ParentDown    = "down"    // it refused, dropped or ignored a connection; see DownCause
	ParentResting = "resting" // it answers, but rejected the credentials: cool-down
	ParentUntried = "untried" // no request has gone to it yet
)

// ParentStatus is one parent proxy's health, logon state and counters.
type ParentStatus struct {
	Addr string `json:"addr"`
	// State is ParentUp, ParentDown, ParentResting or ParentUntried.
	State string `json:"state"`
	// Up is true in states up and resting: the parent answers.
	Up bool `json:"up"`
	// While down: since when, why (a cause such as parent_timeout) and
	// when the next probe runs. DownUntil is NextTry, under its old name.
	DownSince *time.Time `json:"down_since,omitempty"`
	DownCause string     `json:"down_cause,omitempty"`
	NextTry   *time.Time `json:"next_try,omitempty"`
	DownUntil *time.Time `json:"down_until,omitempty"`
	Scheme    string     `json:"scheme,omitempty"`
	// Auth is "ok" (a logon worked or none was needed), "resting" (rejected,
	// in cool-down) or "unknown" (no logon tried yet).
	Auth            string     `json:"auth"`
	RestingUntil    *time.Time `json:"resting_until,omitempty"`
	RestingSeconds  float64    `json:"resting_seconds,omitempty"`
	IdleConnections int        `json:"idle_connections"`
	// SpareConnections are made ready before an app asks (NTLM's past the
	// type 1 leg); SparesUsed counts those a request took.
	SpareConnections int      `json:"spare_connections"`
	SparesUsed       int64    `json:"spares_used"`
	Requests         int64    `json:"requests"`
	Handshakes       int64    `json:"handshakes"`
	Dials            int64    `json:"dials"`
	FailedLogons     int64    `json:"failed_logons"`
	LastError        string   `json:"last_error,omitempty"`
	LastVerdict      string   `json:"last_verdict,omitempty"`
	LastExplanation  string   `json:"last_explanation,omitempty"`
	LastFix          []string `json:"last_fix,omitempty"`
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
	PAC             string            `json:"pac,omitempty"`
	PACFallback     string            `json:"pac_fallback,omitempty"`
	SOCKS5          []string          `json:"socks5,omitempty"`
	Tunnels         []TunnelListener  `json:"tunnels,omitempty"`
	// Headers maps each configured header to Redacted: a header ferry
	// adds may carry a token.
	Headers map[string]string `json:"headers,omitempty"`
}

// Redacted marks a secret that is set.
const Redacted = "[redacted]"

// Parents are the parents' entries of a report, from their Upstreams'
// stats and the credentials at rest (from Resting).
func Parents(stats []parent.Stats, rest []RestingCredentials) []ParentStatus {
	resting := map[string]RestingCredentials{}
	for _, r := range rest {
		resting[r.Parent] = r
	}
	ps := []ParentStatus{}
	for _, st := range stats {
		p := ParentStatus{Addr: st.Addr, State: ParentUntried, Scheme: st.Scheme, Auth: "unknown",
			IdleConnections: st.Idle, SpareConnections: st.Spares, SparesUsed: st.SparesUsed, Requests: st.Requests, Handshakes: st.Handshakes,
			Dials: st.Dials, FailedLogons: st.FailedLogons, LastError: st.LastError}
		if st.Answered {
			p.State = ParentUp
		}
		// "ok" only for a parent that took a logon or served a request
		// without one: requests alone may all have timed out.
		if st.AuthOK {
			p.Auth = "ok"
		}
		r, ok := resting[st.Addr]
		if !ok {
			// The Kerberos server refused the password: it rests everywhere.
			r, ok = resting[RestingEverywhere]
		}
		if ok {
			p.Auth = "resting"
			p.State = ParentResting
			t := r.Until
			p.RestingUntil = &t
			p.RestingSeconds = r.RemainingSeconds
			p.LastVerdict = msg.CredentialsRejected
			if r.Parent == RestingEverywhere {
				// The KDC refused the password: nothing reached the parent.
				p.LastVerdict = msg.KerberosPasswordRejected
			}
		} else if st.LastError != "" {
			p.LastVerdict = st.LastVerdict
		}
		if !st.Up {
			p.State = ParentDown
			since, next := st.DownSince, st.DownUntil
			p.DownSince, p.NextTry, p.DownUntil = &since, &next, &next
			p.DownCause = st.LastCause.Name
		}
		p.Up = p.State == ParentUp || p.State == ParentResting
		ps = append(ps, p)
	}
	return ps
}

// Resting are the report's entries for the lockout guard's snapshot.
func Resting(snapshot []auth.LockedOut, now time.Time) []RestingCredentials {
	rest := []RestingCredentials{}
	for _, lo := range snapshot {
		parent := lo.Parent
		if parent == auth.AnyParent {
			parent = RestingEverywhere
		}
		rest = append(rest, RestingCredentials{Parent: parent, Identity: lo.Identity, Reason: lo.Reason, Since: lo.Since, Until: lo.Until,
			RemainingSeconds: lo.Until.Sub(now).Seconds()})
	}
	return rest
}

// localize fills the explanations of rep in lang.
func localize(rep *Status, lang string) {
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

// writeJSON answers /status.json with rep.
func writeJSON(w http.ResponseWriter, r *http.Request, rep Status) {
	localize(&rep, msg.FromAcceptLanguage(r.Header.Get("Accept-Language")))
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(rep)
}

// parentHealth is the heading of a parent's entry: "up" only when nothing
// about it is wrong, since a card in red headed "up" tells two stories.
func parentHealth(p ParentStatus, lang string) (health string, bad bool) {
	switch {
	case p.State == ParentDown && p.DownSince != nil && p.NextTry != nil:
		return msg.T(lang, "status.down", "since", p.DownSince.Format(time.TimeOnly), "cause", p.DownCause,
			"next", p.NextTry.Format(time.TimeOnly)), true
	case p.Auth == "resting":
		return msg.T(lang, "status.rejected"), true
	case p.LastError != "":
		return msg.T(lang, "status.failing"), true
	case p.State == ParentUntried:
		return msg.T(lang, "status.untried"), false
	}
	return msg.T(lang, "status.up"), false
}
