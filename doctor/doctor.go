package doctor

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay"
	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/parent"
	"github.com/ferryproxy/ferry/relay/report"
)

// DefaultURLs are fetched when Config.URLs is empty: one plain http and one
// https site that answer from anywhere.
var DefaultURLs = []string{"http://example.com/", "https://example.com/"}

// Config is what doctor checks.
type Config struct {
	// Relay is the relay configuration ferry runs with. Listen names the
	// running ferry (for its status and the advice); Parents, Auth and the
	// timeouts are what doctor tests.
	Relay relay.Config
	// ConfigError is the error loading the configuration gave, if any: the
	// run then stops at the first check with config_invalid.
	ConfigError error
	// ConfigFile names the file that was read ("" when none).
	ConfigFile string
	// URLs to fetch through each parent; an http:// one is fetched with GET,
	// an https:// one with CONNECT. Empty means DefaultURLs.
	URLs []string
	// Lang is the language of the messages (msg.Langs); empty is English.
	Lang string
	// Running reads the running ferry's status; nil or an error means none
	// is running (then nothing limits the logon attempt but doctor's own).
	Running func(ctx context.Context) (*report.Status, error)
	// Getenv reads the environment for the advice; nil skips those.
	Getenv func(string) string
	// Service reports whether a ferry service is installed and running, for
	// the advice; nil says doctor cannot tell.
	Service func() (string, error)
}

// Check is one step's outcome.
type Check struct {
	// Name is the step's fixed English name ("resolve", "connect", ...).
	Name string `json:"name"`
	// Title is the step in Config.Lang.
	Title    string        `json:"title"`
	Parent   string        `json:"parent,omitempty"`
	OK       bool          `json:"ok"`
	Detail   string        `json:"detail,omitempty"`
	Duration time.Duration `json:"-"`
	// DurationMS is Duration for JSON readers.
	DurationMS float64 `json:"duration_ms"`
}

// Result is a doctor run.
type Result struct {
	// Verdict is one of msg.Verdicts.
	Verdict string `json:"verdict"`
	// Parent is the parent proxy the verdict concerns.
	Parent string `json:"parent,omitempty"`
	// Title and Cause explain the verdict in Config.Lang.
	Title string `json:"title"`
	Cause string `json:"cause"`
	// Evidence is what the parent (or the system) answered, as received.
	Evidence string   `json:"evidence,omitempty"`
	Fix      []string `json:"fix"`
	Checks   []Check  `json:"checks"`
	// Advice is about the local side (environment, port, service): worth
	// reading, never a failure.
	Advice []string `json:"advice"`
	// Status is the running ferry's, when one answered.
	Status *report.Status `json:"status,omitempty"`
}

// fault ends the checks with a verdict.
type fault struct {
	verdict  string
	evidence string
	until    time.Time // locked_out
	// words, when set, names the catalogue entry whose title, cause and
	// fix explain the verdict (origin_direct for a site a PAC's DIRECT
	// could not reach: origin_unreachable's words blame a parent).
	words string
	// peer, when set, stands for the parent in those words (the site).
	peer string
}

func (f *fault) Error() string { return f.verdict + ": " + f.evidence }

func fail(verdict, format string, args ...any) *fault {
	return &fault{verdict: verdict, evidence: fmt.Sprintf(format, args...)}
}

// runner carries one run.
type runner struct {
	cfg      Config
	lang     string
	res      *Result
	progress func(Check)
	status   *report.Status
}

// Run runs the checks for every parent in order and stops at the first
// failure. progress, if not nil, gets each check as it completes, so a
// terminal shows steps that take seconds while they happen.
func Run(ctx context.Context, cfg Config, progress func(Check)) *Result {
	if len(cfg.URLs) == 0 {
		cfg.URLs = DefaultURLs
	}
	if cfg.Lang == "" {
		cfg.Lang = msg.Default
	}
	r := &runner{cfg: cfg, lang: cfg.Lang, res: &Result{Checks: []Check{}, Advice: []string{}}, progress: progress}
	if cfg.Running != nil && cfg.ConfigError == nil {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		st, err := cfg.Running(sctx)
		cancel()
		if err == nil {
			r.status = st
			r.res.Status = st
		}
	}
	f := r.checks(ctx)
	r.finish(f)
	r.res.Advice = append(r.res.Advice, advice(cfg, r.status, r.lang)...)
	return r.res
}

func (r *runner) checks(ctx context.Context) *fault {
	if f := r.step("config", "", func() (string, *fault) {
		if r.cfg.ConfigError != nil {
			return "", &fault{verdict: msg.ConfigInvalid, evidence: r.cfg.ConfigError.Error()}
		}
		if len(r.cfg.Relay.Parents) == 0 && r.cfg.Relay.PAC == "" {
			return "", fail(msg.ConfigInvalid, "no parent proxy and no PAC is configured")
		}
		if r.cfg.ConfigFile == "" {
			return msg.T(r.lang, "detail.no_file"), nil
		}
		return msg.T(r.lang, "detail.config", "file", r.cfg.ConfigFile), nil
	}); f != nil {
		return f
	}
	if len(r.cfg.Relay.Parents) == 0 {
		// A PAC alone routes (pac.go).
		return r.viaPAC(ctx)
	}
	httpURL, httpsURL := r.urls()
	for _, p := range r.cfg.Relay.Parents {
		r.res.Parent = p
		if f := r.parent(ctx, p, tests{httpURL: httpURL, httpsURL: httpsURL, auth: r.cfg.Relay.Auth}); f != nil {
			return f
		}
	}
	return nil
}

// tests is what doctor checks at one parent: the test URLs that go
// through it, and the credentials it may get.
type tests struct {
	httpURL, httpsURL string
	auth              *auth.Authenticator
	// noCredentials says why the parent gets none though ferry has some
	// (a proxy a PAC names that is not in auth.allow_hosts); "" otherwise.
	noCredentials string
}

// step runs one check and records it.
func (r *runner) step(name, parent string, fn func() (string, *fault)) *fault {
	start := time.Now()
	detail, f := fn()
	c := Check{Name: name, Title: msg.T(r.lang, "check."+name), Parent: parent, OK: f == nil, Detail: detail, Duration: time.Since(start)}
	if f != nil && c.Detail == "" {
		c.Detail = firstLine(f.evidence)
	}
	c.DurationMS = float64(c.Duration.Microseconds()) / 1000
	r.res.Checks = append(r.res.Checks, c)
	if r.progress != nil {
		r.progress(c)
	}
	return f
}

func (r *runner) finish(f *fault) {
	res := r.res
	res.Verdict = msg.OK
	until := "-"
	words, peer := msg.OK, res.Parent
	if f != nil {
		res.Verdict = f.verdict
		res.Evidence = f.evidence
		if !f.until.IsZero() {
			until = f.until.Format(time.TimeOnly)
		}
		words, peer = cmp.Or(f.words, f.verdict), cmp.Or(f.peer, peer)
	}
	args := []string{"parent", orDash(peer), "until", until}
	res.Title = msg.Title(r.lang, words)
	res.Cause = msg.Cause(r.lang, words, args...)
	res.Fix = msg.Fix(r.lang, words, args...)
	if res.Verdict == msg.ConfigInvalid && r.cfg.ConfigFile == "" {
		// No file to fix a line in: the way to one is ferry init.
		res.Fix = msg.Steps(r.lang, "config_invalid.fix_no_file")
	}
}

func (r *runner) timeouts() (connect, header time.Duration) {
	connect, header = r.cfg.Relay.ConnectTimeout, r.cfg.Relay.ResponseHeaderTimeout
	if connect == 0 {
		connect = 10 * time.Second
	}
	if header == 0 {
		// Shorter than the relay's 60 s: a proxy that answers at all
		// answers a first request in well under that.
		header = 15 * time.Second
	}
	return connect, header
}

// parent runs the checks for one parent proxy.
func (r *runner) parent(ctx context.Context, p string, t tests) *fault {
	connectTO, headerTO := r.timeouts()
	host, _, _ := net.SplitHostPort(p)
	if f := r.step("resolve", p, func() (string, *fault) {
		if ip := net.ParseIP(host); ip != nil {
			return msg.T(r.lang, "detail.ip", "host", host), nil
		}
		lctx, cancel := context.WithTimeout(ctx, connectTO)
		defer cancel()
		addrs, err := net.DefaultResolver.LookupHost(lctx, host)
		if err != nil {
			return "", fail(msg.ParentUnresolvable, "lookup %s: %v", host, err)
		}
		return msg.T(r.lang, "detail.resolved", "host", host, "addrs", strings.Join(addrs, " ")), nil
	}); f != nil {
		return f
	}
	var conn net.Conn
	if f := r.step("connect", p, func() (string, *fault) {
		d := net.Dialer{Timeout: connectTO}
		c, err := d.DialContext(ctx, "tcp", p)
		if err != nil {
			return "", dialFault(p, err)
		}
		conn = c
		return msg.T(r.lang, "detail.connected", "addr", c.RemoteAddr().String()), nil
	}); f != nil {
		return f
	}
	httpURL, httpsURL := t.httpURL, t.httpsURL
	var pr *probeResult
	if f := r.step("speaks", p, func() (string, *fault) {
		var f *fault
		pr, f = probe(ctx, conn, p, httpURL, httpsURL, connectTO, headerTO)
		if f != nil {
			return "", f
		}
		return msg.T(r.lang, "detail.proxy", "status", pr.status), nil
	}); f != nil {
		return f
	}
	if f := r.step("schemes", p, func() (string, *fault) {
		if len(pr.offered) == 0 {
			return msg.T(r.lang, "detail.no_logon"), nil
		}
		return msg.T(r.lang, "detail.schemes", "schemes", parent.ChallengeNames(pr.offered)), nil
	}); f != nil {
		return f
	}
	a := t.auth
	if len(pr.offered) > 0 {
		if f := r.step("credentials", p, func() (string, *fault) {
			offered := parent.ChallengeNames(pr.offered)
			if !a.Enabled() && t.noCredentials != "" {
				return "", fail(msg.CredentialsMissing, "the parent answered 407 with Proxy-Authenticate: %s; %s", pr.rawChallenges, t.noCredentials)
			}
			if !a.Enabled() {
				return "", fail(msg.CredentialsMissing, "the parent answered 407 with Proxy-Authenticate: %s; ferry has no user, password or Kerberos setup", pr.rawChallenges)
			}
			cands := a.Candidates(pr.offered)
			if ac := a.Config(); len(cands) == 0 && ac.User == "" && ac.Password == "" && ac.Keytab == "" {
				// Only a ticket cache could have helped, and the parent
				// does not offer Negotiate.
				return "", fail(msg.CredentialsMissing, "the parent answered 407 with Proxy-Authenticate: %s; ferry has no user or password configured", pr.rawChallenges)
			}
			if len(cands) == 0 {
				return "", fail(msg.AuthSchemeUnsupported, "the parent offers %s (Proxy-Authenticate: %s); ferry's credentials answer only %s",
					offered, pr.rawChallenges, strings.Join(a.Names(), ", "))
			}
			var usable []string
			for _, c := range cands {
				usable = append(usable, c.Scheme.Name())
			}
			return msg.T(r.lang, "detail.can_answer", "schemes", strings.Join(usable, ", ")), nil
		}); f != nil {
			return f
		}
	}
	if f := r.lockedOut(p); f != nil {
		r.step("auth", p, func() (string, *fault) { return "", f })
		return f
	}
	return r.throughParent(ctx, p, t, len(pr.offered) > 0)
}

// lockedOut stops doctor from spending a logon while the running ferry
// rests the credentials for p: a further failed logon could lock the
// account.
func (r *runner) lockedOut(p string) *fault {
	if r.status == nil {
		return nil
	}
	for _, lo := range r.status.Resting {
		if (lo.Parent == p || lo.Parent == report.RestingEverywhere) && time.Until(lo.Until) > 0 {
			return &fault{verdict: msg.LockedOut, until: lo.Until,
				evidence: fmt.Sprintf("the running ferry rests the credentials of %s at %s until %s: %s", lo.Identity, p, lo.Until.Format(time.TimeOnly), lo.Reason)}
		}
	}
	return nil
}

// urls picks the http and the https URL from Config.URLs ("" when absent).
func (r *runner) urls() (httpURL, httpsURL string) {
	for _, s := range r.cfg.URLs {
		u, err := url.Parse(s)
		if err != nil {
			continue
		}
		switch u.Scheme {
		case "http":
			if httpURL == "" {
				httpURL = s
			}
		case "https":
			if httpsURL == "" {
				httpsURL = s
			}
		}
	}
	return httpURL, httpsURL
}

// dialFault is a failed connection to the parent, classified by the
// relay's own dial classifier, so that doctor and an error page agree.
func dialFault(p string, err error) *fault {
	e := failure.Classify(err, p, true)
	return &fault{verdict: e.Verdict(), evidence: e.Error()}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
