package relay

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/report"
)

// These tests check that each failure is blamed on the right party (the
// app's request, the parent's answer, or the site) and that the page an app
// gets says so with the right words.

// rawVerdict sends a raw request to the relay at addr and returns the
// status, the verdict and the whole Proxy-Status, and the body.
func rawVerdict(t *testing.T, addr, req string) (status int, verdict, proxyStatus, body string) {
	t.Helper()
	c, br := rawProxy(t, addr, req)
	defer c.Close()
	resp, body := appRead(t, br, http.MethodGet)
	proxyStatus = resp.Header.Get("Proxy-Status")
	verdict = testenv.Verdict(proxyStatus)
	return resp.StatusCode, verdict, proxyStatus, body
}

// A parent that answers a request without an upgrade with 101 would leave
// the app's connection speaking an unknown protocol: ferry refuses it.
func TestUnrequestedSwitchingProtocolsRefused(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: smuggled\r\n\r\nGET /inside HTTP/1.1\r\n\r\n")
		}
	})
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	status, verdict, details, body := rawVerdict(t, proxy.Host, appGet("HTTP/1.1", "/", ""))
	if status != http.StatusBadGateway || verdict != msg.ParentError || !strings.Contains(details, `details="parent_response_broken`) {
		t.Fatalf("got %d %s %q, want 502 parent_response_broken\n%s", status, verdict, details, body)
	}
	if !strings.Contains(body, "101") {
		t.Fatalf("the page does not say what the parent did:\n%s", body)
	}
}

// The same from a site reached directly (no_proxy): refused, and the page
// names the site.
func TestUnrequestedSwitchingProtocolsFromSiteRefused(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: smuggled\r\n\r\n")
		_ = brw.Flush()
		time.Sleep(100 * time.Millisecond)
	}))
	defer origin.Close()
	_, proxy := startRelay(t, Config{Parents: []string{"127.0.0.1:9"}, NoProxy: []string{"127.0.0.1"}})
	host := strings.TrimPrefix(origin.URL, "http://")
	status, verdict, ps, body := rawVerdict(t, proxy.Host, "GET "+origin.URL+"/ HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	if status != http.StatusBadGateway || verdict != msg.OriginUnreachable || !strings.Contains(ps, "101") ||
		!strings.Contains(body, msg.Title("en", "origin_direct")) {
		t.Fatalf("got %d %s (%s), want 502 naming the site\n%s", status, verdict, ps, body)
	}
}

// A chunk size that overflows, at the very start of a parent's body, gets
// a 502 that names the parent's answer, not an empty reply.
func TestParentBodyBrokenFromStartGets502(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\nabc\r\n")
		}
	})
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	status, verdict, details, body := rawVerdict(t, proxy.Host, appGet("HTTP/1.1", "/", ""))
	if status != http.StatusBadGateway || verdict != msg.ParentError || !strings.Contains(details, `details="parent_response_broken`) ||
		!strings.Contains(details, p.Addr) {
		t.Fatalf("got %d %s %q, want 502 parent_response_broken naming the parent\n%s", status, verdict, details, body)
	}
}

// A malformed chunked body from the app is the app's fault: 400, never
// parent_error, through a parent and directly.
func TestMalformedAppBodyBlamesTheApp(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }))
	defer origin.Close()
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, NoProxy: []string{"127.0.0.1"}})
	for _, target := range []string{"http://origin.example/up", origin.URL + "/up"} {
		host := strings.TrimPrefix(strings.TrimSuffix(target, "/up"), "http://")
		req := "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz-not-a-size\r\n\r\n"
		status, verdict, details, body := rawVerdict(t, proxy.Host, req)
		if status != http.StatusBadRequest || verdict != "app_request_broken" {
			t.Fatalf("%s: got %d %s %q, want 400 app_request_broken\n%s", target, status, verdict, details, body)
		}
		if !strings.Contains(body, msg.Title("en", "app_request_broken")) {
			t.Fatalf("%s: the page does not blame the app's request:\n%s", target, body)
		}
	}
}

// RFC 9110 section 4.2.4: userinfo in a request URI is never sent on, to a
// parent nor, as Basic credentials, to a site reached directly.
func TestUserinfoIsNotForwarded(t *testing.T) {
	got := make(chan string, 1)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization")
	}))
	defer origin.Close()
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, NoProxy: []string{"127.0.0.1"}})

	c, br := rawProxy(t, proxy.Host, "GET http://user:pass@origin.example/x HTTP/1.1\r\nHost: origin.example\r\n\r\n")
	defer c.Close()
	if resp, _ := appRead(t, br, http.MethodGet); resp.StatusCode != 200 {
		t.Fatalf("via the parent: %d", resp.StatusCode)
	}
	if reqs := p.Requests(); len(reqs) != 1 || reqs[0].RequestURI != "http://origin.example/x" {
		t.Fatalf("the parent got %v, want http://origin.example/x without userinfo", reqs)
	}

	u := strings.Replace(origin.URL, "http://", "http://user:pass@", 1)
	c2, br2 := rawProxy(t, proxy.Host, "GET "+u+"/ HTTP/1.1\r\nHost: "+strings.TrimPrefix(origin.URL, "http://")+"\r\n\r\n")
	defer c2.Close()
	if resp, _ := appRead(t, br2, http.MethodGet); resp.StatusCode != 200 {
		t.Fatalf("Direct: %d", resp.StatusCode)
	}
	if a := <-got; a != "" {
		t.Fatalf("the site got Authorization %q made of the URL's userinfo", a)
	}
}

// A site ferry reaches directly (no_proxy) that fails is called the site,
// never "the parent proxy".
func TestDirectFailureNamesTheSite(t *testing.T) {
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := dead.Addr().String()
	dead.Close()
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, NoProxy: []string{"127.0.0.1"}})
	for _, lang := range []string{"en", "ja"} {
		req := "GET http://" + addr + "/ HTTP/1.1\r\nHost: " + addr + "\r\nAccept-Language: " + lang + "\r\n\r\n"
		status, verdict, _, body := rawVerdict(t, proxy.Host, req)
		if status != http.StatusBadGateway || verdict != msg.OriginUnreachable {
			t.Fatalf("%s: got %d %s, want 502 origin_unreachable\n%s", lang, status, verdict, body)
		}
		if !strings.Contains(body, msg.Cause(lang, "origin_direct", "parent", addr)) || strings.Contains(body, "parent proxy "+addr) ||
			strings.Contains(body, msg.Title(lang, msg.OriginUnreachable)) {
			t.Fatalf("%s: the page does not call %s the site:\n%s", lang, addr, body)
		}
	}
}

// The advice http_proxy=http://ADDRESS names the listener the app reached,
// not the request's Host (which names the site).
func TestErrorPageAdviceNamesTheListener(t *testing.T) {
	_, proxy := startRelay(t, Config{Parents: []string{"127.0.0.1:9"}})
	status, verdict, _, body := rawVerdict(t, proxy.Host, "GET ftp://site.example/ HTTP/1.1\r\nHost: site.example\r\n\r\n")
	if status != http.StatusBadRequest || verdict != "bad_request" {
		t.Fatalf("got %d %s\n%s", status, verdict, body)
	}
	if !strings.Contains(body, "http_proxy=http://"+proxy.Host) || strings.Contains(body, "http://site.example") {
		t.Fatalf("the advice does not name ferry's listener %s:\n%s", proxy.Host, body)
	}
}

// The page's steps are the catalogue's, the same in every language, and no
// page tells its reader to run doctor "again".
func TestErrorPageStepsAreTheCatalogues(t *testing.T) {
	for _, v := range slices.Concat(msg.Verdicts[1:], msg.PageVerdicts) {
		e := &failure.Error{Cause: failure.Cause{Name: v, Verdict: v}, Peer: "proxy.corp.example:8080", What: "something failed", Fix: "the relay's own advice"}
		for _, lang := range msg.Langs() {
			r := httptest.NewRequest(http.MethodGet, "http://site.example/", nil)
			r.Header.Set("Accept-Language", lang)
			w := httptest.NewRecorder()
			report.WriteError(w, r, e)
			body := w.Body.String()
			steps := strings.Count(body, "\n  ")
			if want := len(msg.Fix(lang, e.Verdict())); steps != want {
				t.Errorf("%s %s: %d steps, the catalogue has %d:\n%s", v, lang, steps, want, body)
			}
			if strings.Contains(body, "the relay's own advice") || strings.Contains(body, "doctor' again") || strings.Contains(body, "もう一度 'ferry doctor'") {
				t.Errorf("%s %s: a step that does not belong:\n%s", v, lang, body)
			}
		}
	}
}

// The locked-out page says until when, in every language, as Proxy-Status
// does.
func TestLockedOutPageSaysUntilWhen(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "wrong")})
	get(t, client(proxy), "http://origin.example/") // the one failed logon
	for _, lang := range []string{"en", "ja"} {
		for _, accept := range []string{"*/*", "text/html"} {
			req := appGet("HTTP/1.1", "/", "Accept: "+accept+"\r\nAccept-Language: "+lang+"\r\n")
			status, verdict, details, body := rawVerdict(t, proxy.Host, req)
			if status != http.StatusBadGateway || verdict != msg.LockedOut {
				t.Fatalf("%s: got %d %s\n%s", lang, status, verdict, body)
			}
			_, until, ok := strings.Cut(details, "until ")
			if !ok || len(until) < 8 {
				t.Fatalf("Proxy-Status details %q lack the time", details)
			}
			until = until[:8]
			if _, err := time.Parse(time.TimeOnly, until); err != nil {
				t.Fatalf("Proxy-Status time %q: %v", until, err)
			}
			if !strings.Contains(body, msg.Cause(lang, msg.LockedOut, "parent", p.Addr, "until", until)) {
				t.Fatalf("%s %s: the page does not say until %s:\n%s", lang, accept, until, body)
			}
		}
	}
}

// A PAC script that throws at run time is logged (once per kind of
// failure, at the default level), and with no parent to fall back on the
// app is told the PAC failed, not that ferry's config is invalid.
func TestPACRuntimeErrorLoggedAndNamed(t *testing.T) {
	pacFile := writePAC(t, `function FindProxyForURL(url, host) { return undefinedThing.proxy; }`)
	var logs testenv.SyncBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	_, proxy := startRelay(t, Config{PAC: pacFile, Logger: log})
	for _, path := range []string{"/a", "/b"} {
		status, verdict, _, body := rawVerdict(t, proxy.Host, appGet("HTTP/1.1", path, ""))
		if status != http.StatusBadGateway || verdict != "pac_failed" || !strings.Contains(body, msg.Title("en", "pac_failed")) {
			t.Fatalf("got %d %s\n%s", status, verdict, body)
		}
	}
	if n := strings.Count(logs.String(), "the PAC script failed"); n != 1 {
		t.Fatalf("%d WARN lines for the same failure, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "undefinedThing") {
		t.Fatalf("the log does not say what failed:\n%s", logs.String())
	}

	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "direct ok") }))
	defer origin.Close()
	var logs2 testenv.SyncBuffer
	_, direct := startRelay(t, Config{PAC: pacFile, PACFallback: PACFallbackDirect,
		Logger: slog.New(slog.NewTextHandler(&logs2, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if resp, body := get(t, client(direct), origin.URL+"/"); resp.StatusCode != 200 || body != "direct ok" {
		t.Fatalf("pac_fallback = Direct: %d %q", resp.StatusCode, body)
	}
	if !strings.Contains(logs2.String(), "the PAC script failed; going directly") {
		t.Fatalf("going direct silently:\n%s", logs2.String())
	}
}

// /proxy.pac names the listener the app reached, whatever Host it sent,
// and is not sniffed as something else.
func TestProxyPACIgnoresHostHeader(t *testing.T) {
	_, proxy := startRelay(t, Config{Parents: []string{"127.0.0.1:9"}})
	c, br := rawProxy(t, proxy.Host, "GET /proxy.pac HTTP/1.1\r\nHost: evil.example:80\r\n\r\n")
	defer c.Close()
	resp, body := appRead(t, br, http.MethodGet)
	if resp.StatusCode != 200 || !strings.Contains(body, `"PROXY `+proxy.Host+`"`) || strings.Contains(body, "evil") {
		t.Fatalf("got %d:\n%s", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("no X-Content-Type-Options: nosniff")
	}
}

// A configured scheme the parent does not offer (auth.scheme = "ntlm" at a
// Basic-only parent) is auth_scheme_unsupported: NTLM's first leg proves no
// credentials, so its 407 is no rejection and rests nothing.
func TestFixedSchemeNotOfferedIsUnsupported(t *testing.T) {
	p := testenv.StartFakeParent(t, nil) // offers Basic only
	a, err := auth.New(auth.Config{Scheme: "ntlm", User: "alice", Domain: "CORP", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: a})
	for range 2 {
		status, verdict, ps, body := rawVerdict(t, proxy.Host, appGet("HTTP/1.1", "/", ""))
		if status != http.StatusBadGateway || verdict != msg.AuthSchemeUnsupported {
			t.Fatalf("got %d %s (%s), want 502 auth_scheme_unsupported\n%s", status, verdict, ps, body)
		}
	}
	if rest := s.Guard().Snapshot(); len(rest) != 0 {
		t.Fatalf("ferry rests the credentials: %+v", rest)
	}
}

// A PAC answer ferry cannot use (only SOCKS) is logged once too, not
// followed silently by the fallback.
func TestPACUnusableAnswerLogged(t *testing.T) {
	pacFile := writePAC(t, `function FindProxyForURL(url, host) { return "SOCKS 127.0.0.1:1"; }`)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	var logs testenv.SyncBuffer
	_, proxy := startRelay(t, Config{PAC: pacFile, Parents: []string{p.Addr},
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	for range 2 {
		if resp, body := get(t, client(proxy), "http://x.example/"); resp.StatusCode != 200 {
			t.Fatalf("pac_fallback = parents: %d %q", resp.StatusCode, body)
		}
	}
	if n := strings.Count(logs.String(), "the PAC script failed; using the configured parents"); n != 1 {
		t.Fatalf("%d lines, want 1:\n%s", n, logs.String())
	}
}

// With no user configured (only the chance of a Kerberos ticket), a parent
// that takes only Basic is told as credentials_missing, not as "ferry has
// credentials only for Negotiate".
func TestNoUserAtBasicParentIsCredentialsMissing(t *testing.T) {
	p := testenv.StartFakeParent(t, nil) // offers Basic only
	a, err := auth.New(auth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Enabled() {
		t.Skip("no Negotiate without a user here: nothing to show")
	}
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: a})
	status, verdict, ps, body := rawVerdict(t, proxy.Host, appGet("HTTP/1.1", "/", ""))
	if status != http.StatusBadGateway || verdict != msg.CredentialsMissing || strings.Contains(ps, "only for Negotiate") {
		t.Fatalf("got %d %s (%s), want 502 credentials_missing\n%s", status, verdict, ps, body)
	}
}
