package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// A site that answers 407 with the very scheme ferry logs on with must not
// make ferry rest good credentials: any web page could otherwise lock every
// app out with one plain http:// link. squid 5.7, Apache and tinyproxy strip
// a site's Proxy-Authenticate; squid keeps it when it forwards to a
// cache_peer with login=PASSTHRU (a chain of proxies that passes the
// credentials on, RFC 9110 11.7.1), and Apache's mod_auth_gssapi adds its
// own "Negotiate <token>" to every answer, a site's 407 included
// (docs/doctor.md lists what each parent sends).

// siteChallenges is what the hostile site sends, per parent kind: the
// parent's own scheme and realm.
var siteChallenges = map[string]string{
	"basic":               `Basic realm="` + testenv.SquidRealm + `"`,
	"digest":              `Digest realm="` + testenv.SquidRealm + `", nonce="c2l0ZQ", qop="auth"`,
	"ntlm-verified":       "NTLM",
	"negotiate-password":  "Negotiate",
	"apache-basic":        `Basic realm="` + testenv.SquidRealm + `"`,
	"apache-digest":       `Digest realm="` + testenv.SquidRealm + `", nonce="c2l0ZQ", qop="auth"`,
	"apache-gssapi":       "Negotiate",
	"apache-gssapi-bound": "Negotiate",
	"tinyproxy":           `Basic realm="tinyproxy"`,
}

// siteWith407 answers every request, in origin form or absolute form (as a
// cache_peer gets it), with a 407 that carries challenge.
func siteWith407(t *testing.T, challenge string) (*httptest.Server, int) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Proxy-Authenticate", challenge)
		w.WriteHeader(http.StatusProxyAuthRequired)
		_, _ = io.WriteString(w, "this site wants proxy credentials\n")
	}))
	t.Cleanup(site.Close)
	return site, site.Listener.Addr().(*net.TCPAddr).Port
}

// passOnThrough makes squid send requests for port to 127.0.0.1:port as its
// cache_peer with login=PASSTHRU, which keeps the peer's Proxy-Authenticate
// in what squid passes on (measured with squid 5.7; without login=PASS or
// PASSTHRU squid deletes it).
func passOnThrough(port int) string {
	return fmt.Sprintf("cache_peer 127.0.0.1 parent %d 0 no-query no-digest login=PASSTHRU name=hostile\n"+
		"acl hostile port %d\ncache_peer_access hostile allow hostile\ncache_peer_access hostile deny all\n"+
		"never_direct allow hostile\n", port, port)
}

// checkSite407 asks for the hostile site three times, each followed by a
// normal request: before ferry's first logon and after it. Each gets the
// site_proxy_auth page and the normal request works.
func checkSite407(t *testing.T, c *http.Client, f *testenv.Ferry, siteURL, originURL string) {
	t.Helper()
	for i := 0; i < 3; i++ {
		body := want502(t, c, siteURL+"/x", "site_proxy_auth")
		if !strings.Contains(body, "site itself asked for proxy credentials") {
			t.Errorf("round %d: the page does not say the site asked:\n%s", i, body)
		}
		getEcho(t, c, originURL+"/echo", nil)
	}
	if strings.Contains(f.Stderr(), "rejected") {
		t.Errorf("ferry logged a rejection for a site's 407:\n%s", f.Stderr())
	}
}

// TestSite407WithFerrysScheme: through squid passing a site's challenge on,
// for each scheme ferry speaks.
func TestSite407WithFerrysScheme(t *testing.T) {
	kinds := []parentKind{
		{"basic", startBasicParent},
		{"digest", startDigestParent},
		{"ntlm-verified", startVerifiedNTLMParent},
		{"negotiate-password", startNegotiatePasswordParent},
	}
	for _, kind := range kinds {
		t.Run(kind.name, func(t *testing.T) {
			site, port := siteWith407(t, siteChallenges[kind.name])
			o := testenv.StartOrigin(t)
			p := kind.start(t, o, testenv.SquidOptions{Extra: passOnThrough(port)})
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
			c := proxyClient(t, o, f)
			checkSite407(t, c, f, site.URL, o.URL)
			if n := p.Squid.FailedLogons() + deniedLogons(p.Squid); n != 0 {
				t.Errorf("the parent saw %d failed logons, want 0\nhelper: %q\naccess log:\n%s",
					n, p.Squid.HelperAnswers(), strings.Join(p.Squid.AccessLogLines(), "\n"))
			}
			// The site's 407 leaves the logged-on connection in the pool:
			// before, each one closed it and cost a new logon (4 for 6
			// requests with NTLM and Negotiate).
			if n := p.Squid.Logons(); n > 2 {
				t.Errorf("the parent saw %d logons for 6 requests one after another, want at most 2", n)
			}
			t.Logf("logons at the parent for 6 requests: %d", p.Squid.Logons())
			checkLogClean(t, f, p)
		})
	}
}

// TestSite407BeyondSquid: the same through Apache and tinyproxy, which strip
// the site's challenge; Apache's mod_auth_gssapi puts its own mutual
// authentication token on the site's 407.
func TestSite407BeyondSquid(t *testing.T) {
	for _, kind := range otherKinds() {
		t.Run(kind.name, func(t *testing.T) {
			site, _ := siteWith407(t, siteChallenges[kind.name])
			o := testenv.StartOrigin(t)
			p := kind.start(t, o)
			f := testenv.StartFerry(t, ferryConfig([]string{p.Addr}, p.Auth), p.Env...)
			c := proxyClient(t, o, f)
			checkSite407(t, c, f, site.URL, o.URL)
			if n := p.failedLogons(); n > 0 {
				t.Errorf("the parent logged %d failed logons, want 0:\n%s", n, p.log())
			}
			f.AssertLogHasNo(t, p.Secrets...)
		})
	}
}

// TestWrongPasswordWhereSitesAsk407: telling a site's 407 from the parent's
// leaves a real refusal a refusal. Through a squid that passes site
// challenges on, a wrong password costs one failed logon, whether the first
// request goes to the site that asks or to a normal one, and then rests.
func TestWrongPasswordWhereSitesAsk407(t *testing.T) {
	kinds := []parentKind{{"basic", startBasicParent}, {"ntlm-verified", startVerifiedNTLMParent}}
	for _, kind := range kinds {
		t.Run(kind.name, func(t *testing.T) {
			site, port := siteWith407(t, siteChallenges[kind.name])
			o := testenv.StartOrigin(t)
			p := kind.start(t, o, testenv.SquidOptions{Extra: passOnThrough(port)})
			a := p.Auth
			a.Password = "Wrong-pw 9!"
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, a), p.Env...)
			c := proxyClient(t, o, f)
			want502(t, c, site.URL+"/x", "credentials_rejected")
			for i := 0; i < 3; i++ {
				want502(t, c, site.URL+"/x", "locked_out")
				want502(t, c, o.URL+"/echo", "locked_out")
			}
			if n := p.Squid.FailedLogons(); n != 1 {
				t.Errorf("the parent saw %d failed logons for 7 requests, want 1\nhelper: %q", n, p.Squid.HelperAnswers())
			}
		})
	}
}

// TestSite407CopyingSquidsOwn: a site whose 407 copies every header of
// squid's own 407 (fetched first, without credentials) is still told from
// it: squid appends its own X-Cache-Lookup ("MISS from host:port") to what
// it forwards, while its own 407 says "NONE".
func TestSite407CopyingSquidsOwn(t *testing.T) {
	for _, kind := range []parentKind{{"basic", startBasicParent}, {"ntlm-verified", startVerifiedNTLMParent}} {
		t.Run(kind.name, func(t *testing.T) {
			var own http.Header
			site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range own {
					if k != "Content-Length" && k != "Date" && k != "Connection" {
						w.Header()[k] = v
					}
				}
				w.Header().Set("Proxy-Authenticate", siteChallenges[kind.name])
				w.WriteHeader(http.StatusProxyAuthRequired)
				_, _ = io.WriteString(w, "a copy of the parent's page\n")
			}))
			t.Cleanup(site.Close)
			o := testenv.StartOrigin(t)
			p := kind.start(t, o, testenv.SquidOptions{Extra: passOnThrough(site.Listener.Addr().(*net.TCPAddr).Port)})
			squidURL, _ := url.Parse(p.Squid.ProxyURL())
			resp, body := fetchWith(t, o.Client(squidURL), site.URL+"/x", nil)
			if resp.StatusCode != http.StatusProxyAuthRequired || resp.Header.Get("X-Squid-Error") == "" {
				t.Fatalf("squid's own answer: %d %v\n%s", resp.StatusCode, resp.Header, body)
			}
			own = resp.Header
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
			checkSite407(t, proxyClient(t, o, f), f, site.URL, o.URL)
			if n := p.Squid.FailedLogons() + deniedLogons(p.Squid); n != 0 {
				t.Errorf("the parent saw %d failed logons, want 0", n)
			}
		})
	}
}
