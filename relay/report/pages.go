package report

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/failure"
)

// Pages answers requests addressed to ferry itself: the status page,
// /status.json, /metrics, the "retry now" button, the new-password form,
// the "test a URL" box (/check) and /proxy.pac. All but the PAC tell anyone
// who can read them which parents and user ferry uses, and the forms
// change state or make requests, so they are answered only to loopback clients
// and only when the Host header names ferry (a web page in the browser could
// otherwise reach them through DNS rebinding: its own name, resolved to
// 127.0.0.1). Set every field before the first request.
type Pages struct {
	// Status is ferry's current report.
	Status func() Status
	// Addrs are ferry's HTTP listeners: a Host header names ferry when
	// it has one's port.
	Addrs func() []net.Addr
	// Retry ends every credentials cool-down (the "retry now" button).
	Retry func()
	// PAC is the /proxy.pac script for an app that reached ferry at
	// self.
	PAC func(self string) string
	// ChangePassword, when set, checks a new password with one logon (a
	// GET of testURL; "" is `ferry password`'s default page) and stores it
	// as `ferry password` does, then has the running ferry take it. The
	// status page offers its form only while credentials rest; nil (a
	// library user) offers none.
	ChangePassword func(ctx context.Context, password, testURL string) PasswordResult
	// CheckURL, when set, runs doctor's checks for one http or https URL
	// with the words in lang (the "test a URL" box at /check); nil offers
	// no box.
	CheckURL func(ctx context.Context, lang, rawURL string) URLCheck
	// Logger gets a line when a form is sent.
	Logger *slog.Logger

	// changing is held while a new password is being tried: a second
	// submit (a double click, a second tab) must not spend a second logon.
	changing sync.Mutex
}

// tokenKey signs the per-start "retry now" tokens. It is drawn once when
// the program starts and never changes.
var tokenKey = func() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}()

// RetryToken is the token the status page's forms carry. It changes with
// every start of the server, so a page from an earlier run cannot act.
func (s *Pages) RetryToken() string { return s.retryToken(s.Status().Started) }

func (s *Pages) retryToken(started time.Time) string {
	m := hmac.New(sha256.New, tokenKey)
	fmt.Fprintf(m, "%p|%d", s, started.UnixNano())
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// ServeHTTP answers a request addressed to ferry itself.
func (s *Pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The PAC holds nothing secret and serves every client the allow list
	// admitted (gateway clients use it too).
	if r.URL.Path == "/proxy.pac" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		servePAC(w, r, s.PAC)
		return
	}
	if why := s.localRefusal(r); why != "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "ferry: %s\n", why)
		return
	}
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case r.URL.Path == "/" && get && wantsText(r):
		s.serveStatusText(w, r)
	case r.URL.Path == "/" && get:
		s.serveStatusPage(w, r)
	case r.URL.Path == "/status.json" && get:
		writeJSON(w, r, s.Status())
	case r.URL.Path == "/metrics" && get:
		serveMetrics(w, s.Status())
	case r.URL.Path == "/retry" && r.Method == http.MethodPost:
		s.serveRetry(w, r)
	case r.URL.Path == "/password" && r.Method == http.MethodPost && s.ChangePassword != nil:
		s.servePassword(w, r)
	case r.URL.Path == "/check" && get && s.CheckURL != nil:
		s.serveCheckForm(w, r)
	case r.URL.Path == "/check" && r.Method == http.MethodPost && s.CheckURL != nil:
		s.serveCheckURL(w, r)
	default:
		WriteError(w, r, &failure.Error{Cause: failure.BadRequest,
			What: "this is ferry, a proxy: it got a request for " + r.URL.Path + " addressed to itself",
			Fix:  "set ferry's address as the app's proxy (http_proxy=http://" + r.Host + ") instead of requesting it directly"})
	}
}

// localRefusal says why r may not see ferry's own pages, or "" when it may.
func (s *Pages) localRefusal(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return "the status pages are shown only on this machine (loopback clients)"
	}
	if !s.namesSelf(r.Host) {
		return fmt.Sprintf("Host %q does not name ferry: open http://127.0.0.1:PORT/ or http://localhost:PORT/ with ferry's port", r.Host)
	}
	return ""
}

// namesSelf reports whether hostport is a loopback name or address of
// ferry with the port of one of its listeners.
func (s *Pages) namesSelf(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	loopback := strings.EqualFold(host, "localhost")
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		loopback = true
	}
	for _, a := range s.Addrs() {
		lh, lp, err := net.SplitHostPort(a.String())
		if err != nil || lp != port {
			continue
		}
		if loopback || lh == host {
			return true
		}
	}
	return false
}

// serveRetry ends a credentials cool-down early, when the user knows the
// password is right now (changed on the server side, or unlocked).
func (s *Pages) serveRetry(w http.ResponseWriter, r *http.Request) {
	if s.formRefusal(w, r) {
		return
	}
	s.Retry()
	if s.Logger != nil {
		s.Logger.Info("credentials cool-down ended from the status page")
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// statusView is what the page template reads.
type statusView struct {
	Lang   string
	T      map[string]string
	Rep    Status
	Uptime string
	Listen string
	Token  string
	Config string
	Rows   []parentRow
	// Password shows the new-password form (credentials rest and the
	// hook is set); the page then does not reload itself, which would
	// lose what is being typed.
	Password bool
	// Check links to the "test a URL" box.
	Check bool
}

type parentRow struct {
	P                  ParentStatus
	Health, AuthState  string
	Down, Resting, Bad bool
}

func (s *Pages) serveStatusPage(w http.ResponseWriter, r *http.Request) {
	lang := msg.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	rep := s.Status()
	localize(&rep, lang)
	v := statusView{Lang: lang, Rep: rep, Token: s.retryToken(rep.Started), T: map[string]string{},
		Uptime: (time.Duration(rep.UptimeSeconds) * time.Second).String(), Listen: listenOf(r)}
	for _, k := range []string{"title", "version", "uptime", "listeners", "parents", "scheme", "auth", "pool",
		"spares", "spares_used", "requests", "handshakes", "failed_logons", "last_error", "config", "retry", "none", "socks5", "tunnels"} {
		v.T[k] = msg.T(lang, "status."+k)
	}
	v.Password = s.ChangePassword != nil && len(rep.Resting) > 0
	v.Check = s.CheckURL != nil
	for _, k := range []string{"password_title", "password_label", "password_button", "password_note", "check_link", "test_url_label"} {
		v.T[k] = msg.T(lang, "form."+k)
	}
	v.T["use"] = msg.T(lang, "status.use", "listen", v.Listen)
	cfg, _ := json.MarshalIndent(rep.Config, "", "  ")
	v.Config = string(cfg)
	for _, p := range rep.Parents {
		row := parentRow{P: p, AuthState: p.Auth}
		row.Health, row.Bad = parentHealth(p, lang)
		row.Down = p.State == ParentDown
		switch p.Auth {
		case "ok":
			row.AuthState = msg.T(lang, "status.auth_ok")
		case "resting":
			row.Resting = true
			row.AuthState = msg.T(lang, "status.auth_resting", "remaining", (time.Duration(p.RestingSeconds) * time.Second).String())
		default:
			row.AuthState = "-"
		}
		v.Rows = append(v.Rows, row)
	}
	pageHeaders(w, lang)
	_ = statusPage.Execute(w, v)
}

var statusPage = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{if not .Password}}<meta http-equiv="refresh" content="5">{{end}}
<title>{{.T.title}}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:56em;padding:.5em 1em;color:#1d1d1d;background:#fafafa}
h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}
.card{background:#fff;border:1px solid #ddd;border-left:6px solid #2a9d3a;border-radius:6px;padding:.6em .9em;margin:.6em 0}
.card.bad{border-left-color:#c62828}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.3em 0}dt{color:#555}dd{margin:0;word-break:break-word}
pre{background:#f0f0f0;padding:.6em;overflow-x:auto;font-size:.85em}
.err{color:#b71c1c;word-break:break-word}.err p{margin:.3em 0}.err ol{margin:.2em 0;padding-left:1.4em}button{font:inherit;padding:.3em .8em}
code{background:#eee;padding:0 .25em;word-break:break-all}
</style></head><body>
<h1>{{.T.title}}</h1>
<dl>
<dt>{{.T.version}}</dt><dd id="version">{{.Rep.Version}}</dd>
<dt>{{.T.uptime}}</dt><dd>{{.Uptime}}</dd>
<dt>{{.T.listeners}}</dt><dd>{{range .Rep.Listeners}}<code>{{.}}</code> {{end}}</dd>
{{if .Rep.SOCKS5Listeners}}<dt>{{.T.socks5}}</dt><dd>{{range .Rep.SOCKS5Listeners}}<code>{{.}}</code> {{end}}</dd>{{end}}
{{if .Rep.TunnelListeners}}<dt>{{.T.tunnels}}</dt><dd>{{range .Rep.TunnelListeners}}<code>{{.Listen}}</code> &rarr; <code>{{.Target}}</code> {{end}}</dd>{{end}}
</dl>
<p>{{.T.use}}</p>
<h2>{{.T.parents}}</h2>
{{range .Rows}}<div class="card{{if .Bad}} bad{{end}}" data-parent="{{.P.Addr}}" data-auth="{{.P.Auth}}" data-up="{{.P.Up}}" data-state="{{.P.State}}">
<strong>{{.P.Addr}}</strong>: <span class="health">{{.Health}}</span>
<dl>
<dt>{{$.T.scheme}}</dt><dd>{{if .P.Scheme}}{{.P.Scheme}}{{else}}-{{end}}</dd>
<dt>{{$.T.auth}}</dt><dd class="auth">{{.AuthState}}</dd>
<dt>{{$.T.pool}}</dt><dd>{{.P.IdleConnections}}</dd>
<dt>{{$.T.spares}}</dt><dd class="spares">{{.P.SpareConnections}}</dd>
<dt>{{$.T.spares_used}}</dt><dd class="spares-used">{{.P.SparesUsed}}</dd>
<dt>{{$.T.requests}}</dt><dd>{{.P.Requests}}</dd>
<dt>{{$.T.handshakes}}</dt><dd>{{.P.Handshakes}}</dd>
<dt>{{$.T.failed_logons}}</dt><dd>{{.P.FailedLogons}}</dd>
</dl>
{{if .P.LastError}}<div class="err"><strong>{{$.T.last_error}}</strong>: {{.P.LastError}}{{if .P.LastExplanation}}<p>{{.P.LastExplanation}}</p><ol>{{range .P.LastFix}}<li>{{.}}</li>{{end}}</ol>{{end}}</div>{{end}}
{{if .Resting}}<form method="post" action="/retry"><input type="hidden" name="token" value="{{$.Token}}"><button type="submit">{{$.T.retry}}</button></form>{{end}}
</div>{{else}}<p>{{.T.none}}</p>{{end}}
{{if .Password}}<h2>{{.T.password_title}}</h2>
<form id="password" method="post" action="/password"><input type="hidden" name="token" value="{{.Token}}">
<p>{{.T.password_note}}</p>
<label>{{.T.password_label}} <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">{{.T.password_button}}</button>
<details><summary>{{.T.test_url_label}}</summary><input type="url" name="test_url" placeholder="http://example.com/"></details></form>{{end}}
{{if .Check}}<p><a id="check" href="/check">{{.T.check_link}}</a></p>{{end}}
<h2>{{.T.config}}</h2>
<pre>{{.Config}}</pre>
</body></html>
`))

// wantsText reports a client that asks for plain text and not HTML (curl
// -H 'Accept: text/plain', scripts, 'ferry service status').
func wantsText(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "text/plain") && !strings.Contains(a, "text/html")
}

// serveStatusText is the status as a few lines of text.
func (s *Pages) serveStatusText(w http.ResponseWriter, r *http.Request) {
	rep := s.Status()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	listen := listenOf(r)
	fmt.Fprintf(w, "ferry %s is running (up %s).\nPoint apps at it with http_proxy=http://%s and https_proxy=http://%s\n",
		rep.Version, time.Duration(rep.UptimeSeconds)*time.Second, listen, listen)
	fmt.Fprintf(w, "HTTP proxy listeners: %s\n", strings.Join(rep.Listeners, " "))
	if len(rep.SOCKS5Listeners) > 0 {
		fmt.Fprintf(w, "SOCKS5 listeners: %s\n", strings.Join(rep.SOCKS5Listeners, " "))
	}
	for _, t := range rep.TunnelListeners {
		fmt.Fprintf(w, "tunnel %s -> %s\n", t.Listen, t.Target)
	}
	fmt.Fprintln(w)
	for _, p := range rep.Parents {
		state, _ := parentHealth(p, msg.Default)
		if p.LastError != "" {
			state += ": " + p.LastError
		}
		fmt.Fprintf(w, "parent %s: %s; scheme %s; logon %s; %d idle connections, %d spare (%d used); %d requests, %d handshakes, %d failed logons\n",
			p.Addr, state, cmp.Or(p.Scheme, "-"), p.Auth, p.IdleConnections, p.SpareConnections, p.SparesUsed, p.Requests, p.Handshakes, p.FailedLogons)
	}
	for _, lo := range rep.Resting {
		fmt.Fprintf(w, "credentials of %s at %s resting until %s after a rejection\n", lo.Identity, lo.Parent, lo.Until.Format(time.TimeOnly))
	}
	if len(rep.Resting) > 0 && s.ChangePassword != nil {
		fmt.Fprintf(w, "the password changed? run 'ferry password', or open http://%s/ in a browser on this machine and enter it there\n", listen)
	}
}
