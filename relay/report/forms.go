package report

import (
	"context"
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
)

// PasswordResult is what a password change from the status page did: the
// same one logon and the same stores as `ferry password`.
type PasswordResult struct {
	// Stored is true when the parent took the password and it was stored.
	Stored bool
	// Refused is true when the parent refused the password: nothing was
	// stored, and the one logon is the only failed logon it cost.
	Refused bool
	// Detail says where the password went, or why nothing was stored. It
	// never holds the password.
	Detail string
	// Next says how the running ferry takes the password (a reload) or
	// what the user still has to do.
	Next string
	// Reloaded is true when the running ferry took the password: the
	// rests of the old one then end (it is gone).
	Reloaded bool
}

// URLCheck is doctor's verdict for one URL fetched through the parents.
type URLCheck struct {
	// URL is the URL checked.
	URL string
	// Verdict is one of msg.Verdicts; msg.OK when the URL was fetched.
	Verdict string
	// Title, Cause and Fix are the verdict's words in the page's language.
	Title, Cause string
	Fix          []string
	// Evidence is what the parent (or the system) answered.
	Evidence string
}

// formBodyLimit bounds a form's body: a token, a password or a URL.
const formBodyLimit = 16 << 10

// formRefusal checks a POST from one of the status pages' forms and, when
// it may not act, answers it and returns true. The form must come from
// ferry's own page (Origin, when the browser sends one) and carry this
// run's token: another site can make the browser post to 127.0.0.1, but
// cannot read the token from ferry's page (same-origin policy), and a page
// from an earlier run of ferry holds a stale one. Method, Host and
// loopback are checked in ServeHTTP before the route is chosen.
func (s *Pages) formRefusal(w http.ResponseWriter, r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		if u, err := url.Parse(o); err != nil || !s.namesSelf(u.Host) {
			http.Error(w, "ferry: the request comes from another site", http.StatusForbidden)
			return true
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, formBodyLimit)
	tok := r.PostFormValue("token")
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.RetryToken())) != 1 {
		http.Error(w, "ferry: the page is from an earlier run of ferry: reload it and send the form again", http.StatusForbidden)
		return true
	}
	return false
}

// servePassword checks and stores a new password typed into the status
// page. The password goes to the hook and nowhere else: not into a log
// line, not back into the answer.
func (s *Pages) servePassword(w http.ResponseWriter, r *http.Request) {
	if s.formRefusal(w, r) {
		return
	}
	lang := msg.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	pw := r.PostFormValue("password")
	testURL := strings.TrimSpace(r.PostFormValue("test_url"))
	if testURL != "" && !webURL(testURL) {
		writeResult(w, resultView{Lang: lang, Back: msg.T(lang, "form.back"), Title: msg.T(lang, "form.password_not_stored"),
			Detail: msg.T(lang, "form.url_invalid", "url", testURL)})
		return
	}
	if !s.changing.TryLock() {
		writeResult(w, resultView{Lang: lang, Back: msg.T(lang, "form.back"), Title: msg.T(lang, "form.password_not_stored"),
			Detail: msg.T(lang, "form.password_busy")})
		return
	}
	defer s.changing.Unlock()
	// The hook bounds its logon itself (setup: 30 s); this bounds a hook
	// that does not.
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	res := s.ChangePassword(ctx, pw, testURL)
	if s.Logger != nil {
		s.Logger.Info("new password from the status page", "stored", res.Stored, "refused", res.Refused, "detail", res.Detail)
	}
	v := resultView{Lang: lang, Back: msg.T(lang, "form.back"), Detail: res.Detail, Next: res.Next, OK: res.Stored}
	switch {
	case res.Stored:
		v.Title = msg.T(lang, "form.password_stored")
	case res.Refused:
		v.Title = msg.T(lang, "form.password_refused")
	default:
		v.Title = msg.T(lang, "form.password_not_stored")
	}
	writeResult(w, v)
}

// serveCheckURL runs doctor's checks for the URL typed into the "test a
// URL" box. It makes requests (and at most one logon per parent) on the
// user's behalf, so it takes a POST with the token like the other forms.
func (s *Pages) serveCheckURL(w http.ResponseWriter, r *http.Request) {
	if s.formRefusal(w, r) {
		return
	}
	lang := msg.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	raw := strings.TrimSpace(r.PostFormValue("url"))
	v := resultView{Lang: lang, Back: msg.T(lang, "form.back"), CheckURL: raw, Token: s.RetryToken(), T: checkWords(lang)}
	if !webURL(raw) {
		v.Title = msg.T(lang, "form.url_invalid", "url", raw)
		writeResult(w, v)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	c := s.CheckURL(ctx, lang, raw)
	v.OK = c.Verdict == msg.OK
	v.Verdict, v.Title, v.Cause, v.Fix, v.Evidence = c.Verdict, c.Title, c.Cause, c.Fix, c.Evidence
	v.FixLabel = msg.T(lang, "page.fix")
	writeResult(w, v)
}

// serveCheckForm is the "test a URL" box on a page of its own: on the
// status page, which reloads itself every few seconds, a URL being typed
// would be lost.
func (s *Pages) serveCheckForm(w http.ResponseWriter, r *http.Request) {
	lang := msg.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	writeResult(w, resultView{Lang: lang, Title: msg.T(lang, "form.check_title"), Back: msg.T(lang, "form.back"),
		OK: true, Token: s.RetryToken(), T: checkWords(lang)})
}

// webURL reports whether raw is an http or https URL with a host: the
// only kind the checks fetch.
func webURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func checkWords(lang string) map[string]string {
	return map[string]string{"check_label": msg.T(lang, "form.check_label"), "check_button": msg.T(lang, "form.check_button")}
}

// resultView is what the result page's template reads.
type resultView struct {
	Lang, Title, Detail, Next, Back string
	OK                              bool
	// The "test a URL" verdict and the box again, for another URL.
	CheckURL, Token, Verdict, Cause, Evidence, FixLabel string
	Fix                                                 []string
	T                                                   map[string]string
}

// pageHeaders are the headers of every HTML page of ferry's own: no
// caching, no framing, no script, forms only to ferry itself.
func pageHeaders(w http.ResponseWriter, lang string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Content-Language", lang)
}

func writeResult(w http.ResponseWriter, v resultView) {
	pageHeaders(w, v.Lang)
	_ = resultPage.Execute(w, v)
}

var resultPage = template.Must(template.New("result").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:56em;padding:.5em 1em;color:#1d1d1d;background:#fafafa}
h1{font-size:1.3em;margin:.3em 0}
.card{background:#fff;border:1px solid #ddd;border-left:6px solid #2a9d3a;border-radius:6px;padding:.6em .9em;margin:.6em 0}
.card.bad{border-left-color:#c62828}
pre{background:#f0f0f0;padding:.6em;overflow-x:auto;font-size:.85em;white-space:pre-wrap}
input[type=url]{font:inherit;width:100%;max-width:36em;box-sizing:border-box}button{font:inherit;padding:.3em .8em}
</style></head><body>
<div class="card{{if not .OK}} bad{{end}}" id="result" data-ok="{{.OK}}"{{if .Verdict}} data-verdict="{{.Verdict}}"{{end}}>
<h1>{{.Title}}</h1>
{{if .Detail}}<p id="detail">{{.Detail}}</p>{{end}}
{{if .Next}}<p id="next">{{.Next}}</p>{{end}}
{{if .Cause}}<p id="cause">{{.Cause}}</p>{{end}}
{{if .Fix}}<strong>{{.FixLabel}}</strong><ol id="fix">{{range .Fix}}<li>{{.}}</li>{{end}}</ol>{{end}}
{{if .Evidence}}<pre id="evidence">{{.Evidence}}</pre>{{end}}
</div>
{{if .Token}}<form id="check" method="post" action="/check"><input type="hidden" name="token" value="{{.Token}}">
<label>{{.T.check_label}}<br><input type="url" name="url" required placeholder="https://example.com/" value="{{.CheckURL}}"></label>
<button type="submit">{{.T.check_button}}</button></form>{{end}}
<p><a href="/">{{.Back}}</a></p>
</body></html>
`))
