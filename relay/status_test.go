package relay

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/report"
)

// selfRequest builds a request to ferry's own page as a browser on this
// machine sends it.
func selfRequest(method, host, path string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, "http://"+host+path, body)
	r.RequestURI = path // origin-form, as sent to a server directly
	r.URL = &url.URL{Path: path}
	r.Host = host
	r.RemoteAddr = "127.0.0.1:50000"
	return r
}

// TestStatusPageShowsParentsAndHidesPassword: the page and /status.json
// show each parent's state and the effective config, never the password.
func TestStatusPageShowsParentsAndHidesPassword(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")})
	resp, _ := get(t, client(proxy), "http://origin.example/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("request through the relay: %d", resp.StatusCode)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, selfRequest(http.MethodGet, proxy.Host, "/", nil))
	page := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(page, p.Addr) || !strings.Contains(page, `data-auth="ok"`) {
		t.Fatalf("status page %d:\n%s", w.Code, page)
	}
	if strings.Contains(page, "&#34;secret&#34;") || strings.Contains(page, `"secret"`) {
		t.Error("status page shows the password")
	}
	if !strings.Contains(page, `http-equiv="refresh"`) || !strings.Contains(page, `name="viewport"`) {
		t.Error("status page does not refresh itself or lacks a viewport for phones")
	}

	w = httptest.NewRecorder()
	s.ServeHTTP(w, selfRequest(http.MethodGet, proxy.Host, "/status.json", nil))
	var rep report.Status
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatalf("/status.json: %v\n%s", err, w.Body.String())
	}
	if len(rep.Parents) != 1 || rep.Parents[0].Requests != 1 || rep.Parents[0].Auth != "ok" || rep.Parents[0].Scheme != "Basic" {
		t.Errorf("/status.json parents: %+v", rep.Parents)
	}
	if rep.Config.Password != report.Redacted || rep.Config.User != "alice" {
		t.Errorf("/status.json config: %+v", rep.Config)
	}
	if strings.Contains(w.Body.String(), `"secret"`) {
		t.Error("/status.json shows the password")
	}
}

// TestSelfPagesRefuseForeignHostAndRemoteClients: a page on another site
// that resolves its own name to 127.0.0.1 (DNS rebinding) must not read
// ferry's state, nor may another machine.
func TestSelfPagesRefuseForeignHostAndRemoteClients(t *testing.T) {
	s, proxy := startRelay(t, Config{Parents: []string{"127.0.0.1:9"}})
	_, port, _ := strings.Cut(proxy.Host, ":")
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1:1"} {
		for _, path := range []string{"/", "/status.json", "/metrics"} {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, selfRequest(http.MethodGet, host, path, nil))
			if w.Code != http.StatusForbidden {
				t.Errorf("Host %s %s: status %d, want 403", host, path, w.Code)
			}
		}
	}
	r := selfRequest(http.MethodGet, proxy.Host, "/status.json", nil)
	r.RemoteAddr = "192.0.2.7:40000"
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden {
		t.Errorf("remote client: status %d, want 403", w.Code)
	}
	for _, host := range []string{proxy.Host, "localhost:" + port} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, selfRequest(http.MethodGet, host, "/status.json", nil))
		if w.Code != http.StatusOK {
			t.Errorf("Host %s: status %d, want 200", host, w.Code)
		}
	}
}

// TestRetryNowNeedsPOSTWithToken: ending a cool-down changes state, so a
// GET (a link, an <img>) or a POST without this run's token must not.
func TestRetryNowNeedsPOSTWithToken(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "wrong")})
	if resp, _ := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	if len(s.Guard().Snapshot()) != 1 {
		t.Fatal("the guard is not resting the credentials")
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, selfRequest(http.MethodGet, proxy.Host, "/", nil))
	if !strings.Contains(w.Body.String(), `data-auth="resting"`) || !strings.Contains(w.Body.String(), `action="/retry"`) {
		t.Fatalf("status page does not show the resting credentials with a retry button:\n%s", w.Body.String())
	}
	attempts := []*http.Request{
		selfRequest(http.MethodGet, proxy.Host, "/retry?token="+s.retryToken(), nil),
		selfRequest(http.MethodPost, proxy.Host, "/retry", strings.NewReader("token=0123")),
	}
	cross := selfRequest(http.MethodPost, proxy.Host, "/retry", strings.NewReader("token="+s.retryToken()))
	cross.Header.Set("Origin", "http://evil.example")
	attempts = append(attempts, cross)
	for _, r := range attempts {
		if r.Method == http.MethodPost {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		s.ServeHTTP(httptest.NewRecorder(), r)
		if len(s.Guard().Snapshot()) != 1 {
			t.Fatalf("%s %s (Origin %q) ended the cool-down", r.Method, r.URL, r.Header.Get("Origin"))
		}
	}
	r := selfRequest(http.MethodPost, proxy.Host, "/retry", strings.NewReader("token="+s.retryToken()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w = httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || len(s.Guard().Snapshot()) != 0 {
		t.Fatalf("POST with the token: status %d, resting %d", w.Code, len(s.Guard().Snapshot()))
	}
}

func TestMetricsArePrometheusText(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")})
	get(t, client(proxy), "http://origin.example/")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, selfRequest(http.MethodGet, proxy.Host, "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{
		`ferry_parent_requests_total{parent="` + p.Addr + `"} 1`,
		`ferry_parent_up{parent="` + p.Addr + `"} 1`,
		"# TYPE ferry_parent_failed_logons_total counter",
		"ferry_uptime_seconds ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
		if !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "ferry_") {
			t.Errorf("metric line without the ferry_ prefix: %q", l)
		}
	}
}

// An app configured with ferry as its proxy that opens ferry's own address
// gets the status, not a request looped to the parent.
func TestProxyFormRequestToFerryItselfIsAnsweredLocally(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	resp, body := get(t, client(proxy), "http://"+proxy.Host+"/status.json")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"parents"`) {
		t.Fatalf("got %d %q, want ferry's status", resp.StatusCode, body)
	}
	if n := len(p.Requests()); n != 0 {
		t.Fatalf("%d requests reached the parent", n)
	}
}

// TestStatusPageHeadingMatchesTheCard: a parent whose logon was rejected,
// or whose last request failed, is not headed "up" above an error in red.
func TestStatusPageHeadingMatchesTheCard(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "wrong")})
	get(t, client(proxy), "http://origin.example/")
	for _, lang := range []string{"en", "ja"} {
		r := selfRequest(http.MethodGet, proxy.Host, "/", nil)
		r.Header.Set("Accept-Language", lang)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		page := w.Body.String()
		if !strings.Contains(page, `class="card bad"`) {
			t.Fatalf("%s: the card is not marked bad:\n%s", lang, page)
		}
		if strings.Contains(page, `<span class="health">`+msg.T(lang, "status.up")+`</span>`) ||
			!strings.Contains(page, `<span class="health">`+msg.T(lang, "status.rejected")+`</span>`) {
			t.Fatalf("%s: the heading does not say the logon was rejected:\n%s", lang, page)
		}
	}
	r := selfRequest(http.MethodGet, proxy.Host, "/", nil)
	r.Header.Set("Accept", "text/plain")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if strings.Contains(w.Body.String(), ": up;") {
		t.Fatalf("text status calls the parent up:\n%s", w.Body.String())
	}
}

// TestStatusListsEveryListenerAndTheWholeConfig: SOCKS5 and tunnel
// listeners appear beside the HTTP ones, and the config shown includes the
// PAC, SOCKS5, tunnels and headers (their values redacted).
func TestStatusListsEveryListenerAndTheWholeConfig(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	pacFile := writePAC(t, `function FindProxyForURL(url, host) { return "DIRECT"; }`)
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, PAC: pacFile, SOCKS5: []string{"127.0.0.1:0"},
		Tunnels: []Tunnel{{Listen: "127.0.0.1:0", Target: "git.corp.example:22"}}, Headers: map[string]string{"X-Token": "tok-123"}})
	socks, tunnels := s.AddrsOf(kindSOCKS5), s.AddrsOf(kindTunnel)
	if len(socks) != 1 || len(tunnels) != 1 {
		t.Fatalf("listeners: socks %v, tunnels %v", socks, tunnels)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, selfRequest(http.MethodGet, proxy.Host, "/", nil))
	page := w.Body.String()
	// The config is shown as JSON: a Windows path's backslashes are doubled.
	quoted, _ := json.Marshal(pacFile)
	for _, want := range []string{socks[0].String(), tunnels[0].String(), "git.corp.example:22", strings.Trim(string(quoted), `"`), "X-Token"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "tok-123") {
		t.Errorf("the page shows a configured header's value")
	}
	w = httptest.NewRecorder()
	s.ServeHTTP(w, selfRequest(http.MethodGet, proxy.Host, "/status.json", nil))
	var rep report.Status
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.SOCKS5Listeners) != 1 || len(rep.TunnelListeners) != 1 || rep.TunnelListeners[0].Target != "git.corp.example:22" ||
		rep.Config.PAC != pacFile || len(rep.Config.SOCKS5) != 1 || len(rep.Config.Tunnels) != 1 || rep.Config.Headers["X-Token"] != report.Redacted {
		t.Fatalf("/status.json: %+v", rep)
	}
}

// TestStatusAuthOKOnlyAfterAnAnswer: a parent that never answered (it
// speaks no HTTP) is not shown with its logon "ok".
func TestStatusAuthOKOnlyAfterAnAnswer(t *testing.T) {
	garbage := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Garbage = true })
	open := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	for _, c := range []struct {
		parent string
		want   string
	}{{garbage.Addr, "unknown"}, {open.Addr, "ok"}} {
		s, proxy := startRelay(t, Config{Parents: []string{c.parent}})
		get(t, client(proxy), "http://origin.example/")
		if got := s.Status().Parents[0].Auth; got != c.want {
			t.Errorf("parent %s: auth %q, want %q", c.parent, got, c.want)
		}
	}
}

// TestStatusParentThatAskedForCredentialsIsUp: a parent that answered a
// 407 ferry has no credentials for was tried: it is up, with the verdict
// of that failure, not "untried" with nothing to say.
func TestStatusParentThatAskedForCredentialsIsUp(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	get(t, client(proxy), "http://origin.example/")
	st := s.Status().Parents[0]
	if st.State != report.ParentUp || st.LastVerdict != msg.CredentialsMissing || st.LastError == "" {
		t.Fatalf("after a 407 without credentials: state %q verdict %q error %q, want up, credentials_missing", st.State, st.LastVerdict, st.LastError)
	}
}
