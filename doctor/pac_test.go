package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay"
)

// servePAC serves script at /proxy.pac on a loopback HTTP server (any
// other path is a 404) and returns the PAC's URL.
func servePAC(t *testing.T, script string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/proxy.pac", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		fmt.Fprint(w, script)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/proxy.pac"
}

func checkNames(res *Result) string {
	var names []string
	for _, c := range res.Checks {
		names = append(names, c.Name)
	}
	return strings.Join(names, " ")
}

// TestDoctorPACThatFailsIsPACFailed: a setup with only a PAC, whose PAC
// cannot be fetched or throws, ends at the PAC check with pac_failed (the
// verdict an app meets for it), its words in every language, and evidence
// naming the PAC and the error; no parent is checked.
func TestDoctorPACThatFailsIsPACFailed(t *testing.T) {
	broken := servePAC(t, `function FindProxyForURL(url, host) { return undefinedHelper(host); }`)
	for name, tc := range map[string]struct{ pac, evidence string }{
		"throws":     {broken, "undefinedHelper"},
		"not found":  {strings.Replace(broken, "/proxy.pac", "/missing.pac", 1), "404"},
		"no server":  {"http://" + testenv.FreeAddr(t) + "/proxy.pac", "refused"},
		"only SOCKS": {servePAC(t, `function FindProxyForURL(url, host) { return "SOCKS 127.0.0.1:1080"; }`), "SOCKS"},
	} {
		for _, lang := range msg.Langs() {
			res := Run(context.Background(), Config{Lang: lang, Relay: relay.Config{PAC: tc.pac},
				URLs: []string{"http://site.example/", "https://site.example/"}}, nil)
			if res.Verdict != msg.PACFailed {
				t.Fatalf("%s %s: verdict %s, want %s; evidence %q; checks %s", name, lang, res.Verdict, msg.PACFailed, res.Evidence, checkNames(res))
			}
			if got := checkNames(res); got != "config pac" {
				t.Errorf("%s: checks %q, want \"config pac\"", name, got)
			}
			if !strings.Contains(res.Evidence, tc.pac) || !strings.Contains(res.Evidence, tc.evidence) {
				t.Errorf("%s: evidence %q does not name the PAC and %q", name, res.Evidence, tc.evidence)
			}
			if res.Title != msg.Title(lang, msg.PACFailed) || len(res.Fix) == 0 {
				t.Errorf("%s %s: title %q, fix %q", name, lang, res.Title, res.Fix)
			}
		}
	}
}

// TestDoctorPACDirectChecksTheSite: a PAC that says DIRECT for the test
// URLs is checked by reaching the sites directly; a site that does not
// answer is origin_unreachable in origin_direct's words, naming the site,
// not a parent.
func TestDoctorPACDirectChecksTheSite(t *testing.T) {
	o := testenv.StartOrigin(t)
	pacURL := servePAC(t, `function FindProxyForURL(url, host) { return "DIRECT"; }`)
	urls := []string{o.URL + "/echo", fmt.Sprintf("https://127.0.0.1:%d/", o.TLSPort)}
	res := Run(context.Background(), Config{Relay: relay.Config{PAC: pacURL}, URLs: urls}, nil)
	if res.Verdict != msg.OK {
		t.Fatalf("verdict %s; evidence %q; checks %+v", res.Verdict, res.Evidence, res.Checks)
	}
	if got := checkNames(res); got != "config pac direct direct" {
		t.Errorf("checks %q, want \"config pac direct direct\"", got)
	}
	if d := res.Checks[1].Detail; !strings.Contains(d, pacURL) || !strings.Contains(d, urls[0]+": DIRECT") {
		t.Errorf("the PAC check's detail %q does not say where the PAC sends the URLs", d)
	}

	dead := testenv.FreeAddr(t)
	res = Run(context.Background(), Config{Relay: relay.Config{PAC: pacURL}, URLs: []string{"http://" + dead + "/"}}, nil)
	if res.Verdict != msg.OriginUnreachable || res.Parent != "" {
		t.Fatalf("a DIRECT site that refuses: verdict %s at %q; evidence %q", res.Verdict, res.Parent, res.Evidence)
	}
	if res.Title != msg.Title(msg.Default, "origin_direct") || !strings.Contains(res.Cause, dead) || !strings.Contains(res.Evidence, "directly") {
		t.Errorf("a DIRECT site that refuses: title %q, cause %q, evidence %q", res.Title, res.Cause, res.Evidence)
	}
}

// TestDoctorPACProxiesInOrder: the proxies a PAC names are checked in its
// order, as configured parents are: the first, refusing, is the verdict.
func TestDoctorPACProxiesInOrder(t *testing.T) {
	dead := testenv.FreeAddr(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	pacURL := servePAC(t, fmt.Sprintf(`function FindProxyForURL(url, host) { return "PROXY %s; PROXY %s"; }`, dead, p.Addr))
	res := Run(context.Background(), Config{Relay: relay.Config{PAC: pacURL}, URLs: []string{"http://site.example/"}}, nil)
	if res.Verdict != msg.ParentRefused || res.Parent != dead {
		t.Fatalf("verdict %s at %s, want %s at the PAC's first proxy %s; checks %s", res.Verdict, res.Parent, msg.ParentRefused, dead, checkNames(res))
	}
}

// TestDoctorPACProxyOutsideAllowHostsGetsNoCredentials: as in the relay,
// a proxy the PAC names that is neither a parent nor in auth.allow_hosts
// gets no credentials from doctor either; its 407 is credentials_missing,
// and the evidence says to add it to auth.allow_hosts. Listed, it gets
// them and the logon works.
func TestDoctorPACProxyOutsideAllowHostsGetsNoCredentials(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	pacURL := servePAC(t, fmt.Sprintf(`function FindProxyForURL(url, host) { return "PROXY %s"; }`, p.Addr))
	a, err := auth.New(auth.Config{Scheme: "basic", User: "alice", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	rc := relay.Config{PAC: pacURL, Auth: a}
	res := Run(context.Background(), Config{Relay: rc, URLs: []string{"http://site.example/"}}, nil)
	if res.Verdict != msg.CredentialsMissing || !strings.Contains(res.Evidence, "auth.allow_hosts") {
		t.Fatalf("verdict %s, want %s; evidence %q", res.Verdict, msg.CredentialsMissing, res.Evidence)
	}
	if n := p.Attempts(); n != 0 {
		t.Fatalf("the proxy outside allow_hosts got %d requests with credentials", n)
	}
	rc.AllowHosts = []string{"127.0.0.1"}
	res = Run(context.Background(), Config{Relay: rc, URLs: []string{"http://site.example/"}}, nil)
	if res.Verdict != msg.OK || p.Attempts() == 0 {
		t.Fatalf("with the proxy in allow_hosts: verdict %s, %d logons; evidence %q", res.Verdict, p.Attempts(), res.Evidence)
	}
}
