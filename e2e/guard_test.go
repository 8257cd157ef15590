package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// The lockout guard counts only real rejections of ferry's credentials, and
// remembers them across reloads and restarts (issue 13, items 2, 3 and 8).

// fetchVerdict fetches url through c and returns the status and the verdict
// of ferry's Proxy-Status ("" for none) and the body.
func fetchVerdict(t *testing.T, c *http.Client, url string, header http.Header) (int, string, string) {
	t.Helper()
	resp, body := fetchWith(t, c, url, header)
	verdict := ""
	if m := regexp.MustCompile(`verdict=([a-z_]+)`).FindStringSubmatch(resp.Header.Get("Proxy-Status")); m != nil {
		verdict = m[1]
	}
	return resp.StatusCode, verdict, string(body)
}

func want502(t *testing.T, c *http.Client, url, want string) string {
	t.Helper()
	status, verdict, body := fetchVerdict(t, c, url, nil)
	if status != http.StatusBadGateway || verdict != want {
		t.Errorf("GET %s: status %d verdict %q, want 502 %q; body:\n%s", url, status, verdict, want, body)
	}
	return body
}

// siteAsking407 is a web site that answers every request with its own 407,
// as some intranet gateways and misconfigured sites do.
func siteAsking407(t *testing.T) *httptest.Server {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="the site's own"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
		_, _ = io.WriteString(w, "the site wants proxy credentials\n")
	}))
	t.Cleanup(site.Close)
	return site
}

// TestSite407RestsNothing: squid passes a site's own 407 on without a
// challenge of its own. That is no rejection of ferry's credentials: the app
// gets a 502 that says the site asked, and the next requests still work.
func TestSite407RestsNothing(t *testing.T) {
	site := siteAsking407(t)
	for _, kind := range []parentKind{{"basic", startBasicParent}, {"digest", startDigestParent}} {
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o, testenv.SquidOptions{})
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
			c := proxyClient(t, o, f)
			// The site first (before any logon), then after one.
			for i := 0; i < 3; i++ {
				body := want502(t, c, site.URL+"/login", "site_proxy_auth")
				if !strings.Contains(body, "site itself asked for proxy credentials") {
					t.Errorf("the page does not say the site asked:\n%s", body)
				}
				getEcho(t, c, o.URL+"/echo", nil)
			}
			if n := p.Squid.FailedLogons() + deniedLogons(p.Squid); n != 0 {
				t.Errorf("the parent saw %d failed logons, want 0", n)
			}
			if strings.Contains(f.Stderr(), "rejected") {
				t.Errorf("ferry logged a rejection for a site's 407:\n%s", f.Stderr())
			}
			if kind.name == "basic" {
				if n := strings.Count(f.Stderr(), "Basic over plain HTTP"); n != 1 {
					t.Errorf("ferry warned %d times about Basic over plain HTTP, want once:\n%s", n, f.Stderr())
				}
			}
			checkLogClean(t, f, p)
		})
	}
}

// deniedLogons counts the requests squid denied with credentials it could
// name (a wrong Digest password); a site's 407 passed on is a TCP_MISS.
func deniedLogons(sq *testenv.Squid) int {
	n := 0
	for _, e := range sq.AccessLog() {
		if e.Status == http.StatusProxyAuthRequired && e.User != "-" && e.Result == "TCP_DENIED" {
			n++
		}
	}
	return n
}

// waitLogCount waits until ferry has logged msg at least n times.
func waitLogCount(t *testing.T, f *testenv.Ferry, msg string, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Count(f.Stderr(), msg) >= n {
			return
		}
	}
	t.Fatalf("ferry did not log %q %d times; its log:\n%s", msg, n, f.Stderr())
}

// TestRestSurvivesReloadsAndRestarts: with a wrong password, reloads,
// edits of the config file and restarts cost no further failed logon within
// the cool-down, and a rest costs the parent not even a connection, for
// Basic and for NTLM verified by Samba (the account a domain would lock).
// A changed password is tried at once.
func TestRestSurvivesReloadsAndRestarts(t *testing.T) {
	for _, kind := range []parentKind{
		{"basic", startBasicParent},
		{"ntlm-verified", startVerifiedNTLMParent},
	} {
		t.Run(kind.name, func(t *testing.T) { restSurvivesReloadsAndRestarts(t, kind) })
	}
}

func restSurvivesReloadsAndRestarts(t *testing.T, kind parentKind) {
	o := testenv.StartOrigin(t)
	p := kind.start(t, o, testenv.SquidOptions{})
	env := append(p.Env, "XDG_STATE_HOME="+testenv.TempDir(t))
	const wrong = "Wrong-pw 9!"
	a := p.Auth
	a.Password = wrong
	cfg := ferryConfig([]string{p.Squid.Addr}, a)
	f := testenv.StartFerry(t, cfg, env...)
	c := proxyClient(t, o, f)
	want502(t, c, o.URL+"/echo", "credentials_rejected")
	if got := p.Squid.FailedLogons(); got != 1 {
		t.Fatalf("the parent saw %d failed logons for the first request, want 1\nhelper: %q", got, p.Squid.HelperAnswers())
	}
	conns := p.Squid.ClientConnections()

	// The page tells when the rest ends.
	_, _, page := fetchVerdict(t, c, o.URL+"/echo", http.Header{"Accept": {"text/html"}})
	if strings.Contains(page, "before -") || !regexp.MustCompile(`before \d\d:\d\d:\d\d`).MatchString(page) {
		t.Errorf("the locked-out page does not say until when:\n%s", page)
	}
	reloads := 0
	for i := 0; i < 3; i++ {
		sighup(t, f.Pid())
		reloads++
		waitLogCount(t, f, "configuration reloaded", reloads)
		want502(t, c, o.URL+"/echo", "locked_out")
	}
	for i := 0; i < 2; i++ {
		cfg += "# an edit\n"
		if err := os.WriteFile(f.Config, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		reloads++
		waitLogCount(t, f, "configuration reloaded", reloads)
		reloads = strings.Count(f.Stderr(), "configuration reloaded")
		want502(t, c, o.URL+"/echo", "locked_out")
	}
	// The tunnel path rests too.
	if resp, err := c.Get(o.TLSURL + "/echo"); err == nil {
		resp.Body.Close()
		t.Errorf("a CONNECT while the credentials rest succeeded: %d", resp.StatusCode)
	}
	if n := strings.Count(f.Stderr(), "rejected ferry's credentials"); n != 1 {
		t.Errorf("ferry warned of the rejection %d times, want once:\n%s", n, f.Stderr())
	}
	f.AssertLogHasNo(t, wrong)
	c.CloseIdleConnections()
	if err := f.Stop(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		f = testenv.StartFerry(t, cfg, env...)
		c = proxyClient(t, o, f)
		want502(t, c, o.URL+"/echo", "locked_out")
		want502(t, c, o.URL+"/echo", "locked_out")
		if i == 1 {
			break // the last one stays for the password change
		}
		c.CloseIdleConnections()
		if err := f.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.Squid.FailedLogons(); got != 1 {
		t.Errorf("the parent saw %d failed logons across 5 reloads and 2 restarts, want exactly 1\nhelper: %q",
			got, p.Squid.HelperAnswers())
	}
	if got := p.Squid.ClientConnections(); got != conns {
		t.Errorf("ferry connected to the parent %d more times while the credentials rested, want 0", got-conns)
	}

	// The right password, saved in the config: tried at once.
	if err := os.WriteFile(f.Config, []byte(ferryConfig([]string{p.Squid.Addr}, p.Auth)), 0o600); err != nil {
		t.Fatal(err)
	}
	waitLogCount(t, f, "configuration reloaded", 1)
	getEcho(t, c, o.URL+"/echo", nil)
	if got := p.Squid.FailedLogons(); got != 1 {
		t.Errorf("the parent saw %d failed logons in all, want 1\nhelper: %q", got, p.Squid.HelperAnswers())
	}
	f.AssertLogHasNo(t, wrong)
	checkLogClean(t, f, p)
}

// TestSchemeNotOfferedRestsNothing: scheme = "ntlm" against a parent that
// offers only Basic is a configuration problem, not a failed logon.
func TestSchemeNotOfferedRestsNothing(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	a := p.Auth
	a.Scheme, a.Domain = "ntlm", "CORP"
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, a), p.Env...)
	c := proxyClient(t, o, f)
	for i := 0; i < 2; i++ {
		body := want502(t, c, o.URL+"/echo", "auth_scheme_unsupported")
		if !strings.Contains(body, "Basic") || !strings.Contains(body, "NTLM") {
			t.Errorf("the page does not name the offered and the configured scheme:\n%s", body)
		}
	}
	if strings.Contains(f.Stderr(), "rejected") {
		t.Errorf("ferry logged a rejection though no logon took place:\n%s", f.Stderr())
	}
	if n := p.Squid.FailedLogons(); n != 0 {
		t.Errorf("the parent saw %d failed logons, want 0", n)
	}
}

// TestBasicDowngradeRefused: a parent that offered NTLM and then offers
// only Basic (a misconfigured or spoofed proxy at the same address) does not
// get the password in clear under scheme = "auto", even after a restart;
// an explicit scheme = "basic" still sends it.
func TestBasicDowngradeRefused(t *testing.T) {
	o := testenv.StartOrigin(t)
	ntlm := startNTLMParent(t, o, testenv.SquidOptions{})
	env := []string{"XDG_STATE_HOME=" + testenv.TempDir(t)}
	a := ntlm.Auth
	cfg := ferryConfig([]string{ntlm.Squid.Addr}, a)
	f := testenv.StartFerry(t, cfg, env...)
	c := proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)
	c.CloseIdleConnections()

	// The same address now asks for Basic only, and knows the password.
	ntlm.Squid.Stop()
	basic := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthBasic, Port: ntlm.Squid.Port,
		Users: map[string]string{"alice": a.Password}, SSLPorts: []int{o.TLSPort}})
	want502(t, c, o.URL+"/echo", "auth_downgrade")
	if err := f.Stop(); err != nil {
		t.Fatal(err)
	}
	f = testenv.StartFerry(t, cfg, env...)
	c = proxyClient(t, o, f)
	want502(t, c, o.URL+"/echo", "auth_downgrade")
	for _, e := range basic.AccessLog() {
		if e.User != "-" {
			t.Errorf("the Basic parent received credentials: %+v", e)
		}
	}
	if err := f.Stop(); err != nil {
		t.Fatal(err)
	}

	a.Scheme = "basic"
	f = testenv.StartFerry(t, ferryConfig([]string{basic.Addr}, a), env...)
	c = proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)
}

// TestKerberosPasswordRejectedIsItsOwnVerdict: a wrong password refused
// by the KDC never reached the parent: the app learns that, the log says it
// once, and the next requests rest without another logon.
func TestKerberosPasswordRejectedIsItsOwnVerdict(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startNegotiatePasswordParent(t, o, testenv.SquidOptions{})
	a := p.Auth
	a.Password = "Wrong-kerb 7!"
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, a), p.Env...)
	c := proxyClient(t, o, f)
	body := want502(t, c, o.URL+"/echo", "kerberos_password_rejected")
	if strings.Contains(body, "parent proxy "+p.Squid.Addr+" rejected") {
		t.Errorf("the page blames the parent for the KDC's refusal:\n%s", body)
	}
	for i := 0; i < 3; i++ {
		want502(t, c, o.URL+"/echo", "locked_out")
	}
	if n := strings.Count(f.Stderr(), "refused ferry's password"); n != 1 {
		t.Errorf("ferry warned of the refusal %d times, want once:\n%s", n, f.Stderr())
	}
	if n := p.Squid.FailedLogons(); n != 0 {
		t.Errorf("the parent saw %d failed logons, want 0 (the KDC refused first)", n)
	}
	// The status says the parent's credentials rest.
	resp, err := http.Get("http://" + f.Addr + "/status.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Parents []struct {
			Addr, Auth string
		} `json:"parents"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if len(st.Parents) != 1 || st.Parents[0].Auth != "resting" {
		t.Errorf("status.json parents %+v, want the parent resting", st.Parents)
	}
	f.AssertLogHasNo(t, a.Password)
}

// TestDoctorRespectsTheRest: ferry doctor run again and again with a wrong
// password costs one failed logon per cool-down, as ferry itself does.
func TestDoctorRespectsTheRest(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	a := p.Auth
	a.Password = "not the password"
	env := []string{"XDG_STATE_HOME=" + testenv.TempDir(t)}
	cfg := ferryConfig([]string{p.Squid.Addr}, a)
	res, status := runDoctor(t, cfg, env, urlsFor(o)...)
	wantVerdict(t, res, status, "credentials_rejected")
	for i := 0; i < 2; i++ {
		res, status = runDoctor(t, cfg, env, urlsFor(o)...)
		wantVerdict(t, res, status, "locked_out")
		if strings.Contains(strings.Join(res.Fix, " ")+res.Evidence, "before -") {
			t.Errorf("doctor does not say until when: %+v", res)
		}
	}
	if n := p.Squid.FailedLogons(); n != 1 {
		t.Errorf("squid saw %d failed logons for 3 runs of doctor, want 1", n)
	}
	// The right password is tried at once.
	res, status = runDoctor(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), env, urlsFor(o)...)
	wantVerdict(t, res, status, "ok")
}
