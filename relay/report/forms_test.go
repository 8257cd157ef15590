package report

import (
	"context"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
)

// formPages is a Pages on 127.0.0.1:3128 whose hooks record their calls;
// resting says whether credentials rest.
type formPages struct {
	*Pages
	passwords []string
	urls      []string
	result    PasswordResult
}

func newFormPages(resting bool) *formPages {
	started := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	fp := &formPages{result: PasswordResult{Stored: true, Detail: "Stored the new password as auth.password in /tmp/ferry.toml.", Next: "A ferry running with /tmp/ferry.toml takes it within seconds, without a restart."}}
	st := Status{Started: started}
	if resting {
		st.Resting = []RestingCredentials{{Parent: "proxy.corp:8080", Identity: `CORP\alice`, Until: started.Add(time.Hour)}}
	}
	fp.Pages = &Pages{
		Status: func() Status { return st },
		Addrs:  func() []net.Addr { return []net.Addr{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3128}} },
		Retry:  func() {},
		ChangePassword: func(_ context.Context, pw, _ string) PasswordResult {
			fp.passwords = append(fp.passwords, pw)
			return fp.result
		},
		CheckURL: func(_ context.Context, lang, u string) URLCheck {
			fp.urls = append(fp.urls, u)
			return URLCheck{URL: u, Verdict: msg.SiteBlocked, Title: msg.Title(lang, msg.SiteBlocked),
				Cause: msg.Cause(lang, msg.SiteBlocked, "parent", "proxy.corp:8080"), Fix: msg.Fix(lang, msg.SiteBlocked, "parent", "proxy.corp:8080"),
				Evidence: "403 Forbidden"}
		},
	}
	return fp
}

// post is a form POST from ferry's own page as a browser sends it.
func (fp *formPages) post(path string, form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:3128"+path, strings.NewReader(form.Encode()))
	r.RemoteAddr = "127.0.0.1:50000"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "http://127.0.0.1:3128")
	return r
}

func serve(p *Pages, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	p.ServeHTTP(w, r)
	return w
}

// TestFormsNeedLoopbackHostTokenOriginAndPOST: each check alone refuses
// the password form and the "test a URL" box, and the hook is not called;
// the request with every check passed reaches it. Removing any one check
// makes its case reach the hook.
func TestFormsNeedLoopbackHostTokenOriginAndPOST(t *testing.T) {
	for _, path := range []string{"/password", "/check"} {
		fp := newFormPages(true)
		good := url.Values{"token": {fp.RetryToken()}, "password": {"New-pw 3!"}, "url": {"http://example.com/"}}
		cases := []struct {
			name string
			req  func() *http.Request
		}{
			{"remote client", func() *http.Request {
				r := fp.post(path, good)
				r.RemoteAddr = "192.0.2.7:50000"
				return r
			}},
			{"foreign Host (DNS rebinding)", func() *http.Request {
				r := fp.post(path, good)
				r.Host = "attacker.example:3128"
				return r
			}},
			{"another listener's port", func() *http.Request {
				r := fp.post(path, good)
				r.Host = "127.0.0.1:8080"
				return r
			}},
			{"no token", func() *http.Request {
				return fp.post(path, url.Values{"password": good["password"], "url": good["url"]})
			}},
			{"wrong token", func() *http.Request {
				return fp.post(path, url.Values{"token": {strings.Repeat("0", 32)}, "password": good["password"], "url": good["url"]})
			}},
			{"token in the query of a GET", func() *http.Request {
				r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:3128"+path+"?"+good.Encode(), nil)
				r.RemoteAddr = "127.0.0.1:50000"
				return r
			}},
			{"token in the query of a POST", func() *http.Request {
				r := fp.post(path+"?"+good.Encode(), url.Values{"password": good["password"], "url": good["url"]})
				return r
			}},
			{"PUT with the token", func() *http.Request {
				r := fp.post(path, good)
				r.Method = http.MethodPut
				return r
			}},
			{"another site's page", func() *http.Request {
				r := fp.post(path, good)
				r.Header.Set("Origin", "http://attacker.example")
				return r
			}},
		}
		for _, c := range cases {
			w := serve(fp.Pages, c.req())
			// GET /check shows the empty box (it makes no request).
			refused := w.Code != http.StatusOK || path == "/check" && c.name == "token in the query of a GET"
			if !refused {
				t.Errorf("%s, %s: status %d, want a refusal:\n%s", path, c.name, w.Code, w.Body)
			}
			if len(fp.passwords)+len(fp.urls) != 0 {
				t.Fatalf("%s, %s: the hook ran (passwords %d, urls %v)", path, c.name, len(fp.passwords), fp.urls)
			}
		}
		w := serve(fp.Pages, fp.post(path, good))
		if w.Code != http.StatusOK || len(fp.passwords)+len(fp.urls) != 1 {
			t.Fatalf("%s from ferry's own page: status %d, hook calls %d:\n%s", path, w.Code, len(fp.passwords)+len(fp.urls), w.Body)
		}
	}
}

// TestPasswordFormOnlyWhileCredentialsRest: the form appears while
// credentials rest and a hook is set, and not otherwise; the page stops
// reloading itself while the form is shown (a reload loses what is typed).
func TestPasswordFormOnlyWhileCredentialsRest(t *testing.T) {
	get := func(p *Pages) string {
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:3128/", nil)
		r.RemoteAddr = "127.0.0.1:50000"
		w := serve(p, r)
		if w.Code != http.StatusOK {
			t.Fatalf("status page: %d", w.Code)
		}
		return w.Body.String()
	}
	resting := newFormPages(true)
	page := get(resting.Pages)
	if !strings.Contains(page, `action="/password"`) || !strings.Contains(page, `name="token" value="`+resting.RetryToken()+`"`) {
		t.Errorf("resting credentials: no password form with the token:\n%s", page)
	}
	if strings.Contains(page, `http-equiv="refresh"`) {
		t.Errorf("the page reloads itself under the password form")
	}
	if !strings.Contains(page, `href="/check"`) {
		t.Errorf("no link to the test-a-URL box:\n%s", page)
	}
	if page := get(newFormPages(false).Pages); strings.Contains(page, `action="/password"`) || !strings.Contains(page, `http-equiv="refresh"`) {
		t.Errorf("nothing rests: the page shows the form or does not reload itself:\n%s", page)
	}
	tr := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:3128/", nil)
	tr.RemoteAddr = "127.0.0.1:50000"
	tr.Header.Set("Accept", "text/plain")
	if text := serve(resting.Pages, tr).Body.String(); !strings.Contains(text, "ferry password") {
		t.Errorf("the text status does not say where to enter the new password:\n%s", text)
	}
	library := newFormPages(true)
	library.ChangePassword, library.CheckURL = nil, nil
	if page := get(library.Pages); strings.Contains(page, `action="/password"`) || strings.Contains(page, `href="/check"`) {
		t.Errorf("no hooks (a library user): the page offers forms:\n%s", page)
	}
	w := serve(library.Pages, library.post("/password", url.Values{"token": {library.RetryToken()}, "password": {"x"}}))
	if w.Code == http.StatusOK {
		t.Errorf("no hook: POST /password answered 200")
	}
}

// TestPasswordResultNeverEchoesThePassword: the answer says what happened
// (stored where, or refused with nothing stored) and never holds the
// password; the log line neither.
func TestPasswordResultNeverEchoesThePassword(t *testing.T) {
	const pw = "S3cret <b>pw</b>"
	for _, c := range []struct {
		name   string
		result PasswordResult
		want   string
	}{
		{"stored", PasswordResult{Stored: true, Detail: "Stored the new password as auth.password in /tmp/f.toml.", Next: "takes it within seconds"}, msg.T("en", "form.password_stored")},
		{"refused", PasswordResult{Refused: true, Detail: "the parent proxy refused the new password for CORP\\alice: nothing was stored"}, msg.T("en", "form.password_refused")},
	} {
		fp := newFormPages(true)
		fp.result = c.result
		var log strings.Builder
		fp.Logger = slogTo(&log)
		w := serve(fp.Pages, fp.post("/password", url.Values{"token": {fp.RetryToken()}, "password": {pw}}))
		body := w.Body.String()
		if len(fp.passwords) != 1 || fp.passwords[0] != pw {
			t.Fatalf("%s: the hook got %q", c.name, fp.passwords)
		}
		if !strings.Contains(body, c.want) || !strings.Contains(body, escaped(c.result.Detail)) {
			t.Errorf("%s: the answer lacks %q and the detail:\n%s", c.name, c.want, body)
		}
		if strings.Contains(body, "S3cret") || strings.Contains(log.String(), "S3cret") {
			t.Errorf("%s: the password is echoed:\n%s\nlog: %s", c.name, body, log.String())
		}
	}
}

// TestCheckURLShowsVerdictInThePageLanguage: the box's answer is the
// verdict's title, cause and fix steps in the language the browser asks
// for; a URL that is not http(s) is refused without running the checks.
func TestCheckURLShowsVerdictInThePageLanguage(t *testing.T) {
	fp := newFormPages(false)
	r := fp.post("/check", url.Values{"token": {fp.RetryToken()}, "url": {"http://blocked.example/"}})
	r.Header.Set("Accept-Language", "ja")
	body := serve(fp.Pages, r).Body.String()
	for _, want := range append([]string{`data-verdict="` + msg.SiteBlocked + `"`, msg.Title("ja", msg.SiteBlocked), `lang="ja"`},
		msg.Fix("ja", msg.SiteBlocked, "parent", "proxy.corp:8080")...) {
		if !strings.Contains(body, want) && !strings.Contains(body, escaped(want)) {
			t.Errorf("the answer lacks %q:\n%s", want, body)
		}
	}
	w := serve(fp.Pages, fp.post("/check", url.Values{"token": {fp.RetryToken()}, "url": {"file:///etc/passwd"}}))
	if len(fp.urls) != 1 || !strings.Contains(w.Body.String(), "https://example.com/") {
		t.Errorf("a file:// URL: checks ran %v times, or the answer does not say what to type:\n%s", fp.urls, w.Body)
	}
	g := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:3128/check", nil)
	g.RemoteAddr = "127.0.0.1:50000"
	if body := serve(fp.Pages, g).Body.String(); !strings.Contains(body, `action="/check"`) || len(fp.urls) != 1 {
		t.Errorf("GET /check: no box, or it ran the checks:\n%s", body)
	}
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// escaped is s as html/template writes it in text.
func escaped(s string) string { return template.HTMLEscapeString(s) }

// TestPasswordFormTriesOnePasswordAtATime: a second submit while the first
// is being tried (a double click) is answered without a logon, and a bad
// test page is refused before any.
func TestPasswordFormTriesOnePasswordAtATime(t *testing.T) {
	fp := newFormPages(true)
	entered, release := make(chan struct{}), make(chan struct{})
	hook := fp.ChangePassword
	fp.ChangePassword = func(ctx context.Context, pw, testURL string) PasswordResult {
		close(entered)
		<-release
		return hook(ctx, pw, testURL)
	}
	form := url.Values{"token": {fp.RetryToken()}, "password": {"New-pw 3!"}}
	first := make(chan *httptest.ResponseRecorder)
	go func() { first <- serve(fp.Pages, fp.post("/password", form)) }()
	<-entered
	second := serve(fp.Pages, fp.post("/password", form))
	close(release)
	<-first
	if len(fp.passwords) != 1 || !strings.Contains(second.Body.String(), escaped(msg.T("en", "form.password_busy"))) {
		t.Errorf("a second submit while the first runs: %d tries; answer:\n%s", len(fp.passwords), second.Body)
	}
	bad := url.Values{"token": {fp.RetryToken()}, "password": {"New-pw 3!"}, "test_url": {"javascript:alert(1)"}}
	serve(fp.Pages, fp.post("/password", bad))
	if len(fp.passwords) != 1 {
		t.Errorf("a test page that is not an http URL reached the hook")
	}
}
