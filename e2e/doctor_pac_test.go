package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestDoctorPACOnly: `ferry doctor` with a PAC and no parents (it said
// config_invalid before) evaluates the PAC served from a loopback HTTP
// server for the test URLs, then checks the real squid it names and its
// DIRECT, in the PAC's order; a PAC that throws is pac_failed, without a
// request to any parent.
func TestDoctorPACOnly(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	scripts := map[string]string{
		"/proxy.pac":  fmt.Sprintf(`function FindProxyForURL(url, host) { return "PROXY %s; DIRECT"; }`, p.Squid.Addr),
		"/broken.pac": `function FindProxyForURL(url, host) { return "PROXY " + proxyFor(host); }`,
	}
	pacSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := scripts[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		fmt.Fprint(w, s)
	}))
	defer pacSrv.Close()
	config := func(path string) string {
		cfg := ferryConfig(nil, p.Auth)
		cfg = strings.Replace(cfg, "parents = []\n", fmt.Sprintf("pac = %q\n", pacSrv.URL+path), 1)
		return strings.Replace(cfg, "[auth]\n", fmt.Sprintf("[auth]\nallow_hosts = [%q]\n", "127.0.0.1"), 1)
	}

	res, status := runDoctor(t, config("/proxy.pac"), nil, urlsFor(o)...)
	wantVerdict(t, res, status, "ok")
	var names []string
	for _, c := range res.Checks {
		names = append(names, c.Name)
	}
	if got, want := strings.Join(names, " "), "config pac resolve connect speaks schemes credentials auth https http direct direct"; got != want {
		t.Errorf("checks %q, want %q", got, want)
	}
	if g, c := squidRequests(p.Squid, "GET", 200), squidRequests(p.Squid, "CONNECT", 200); g != 2 || c != 1 {
		t.Errorf("squid served %d GETs and %d CONNECTs, want doctor's logon and http GETs and its https CONNECT", g, c)
	}

	before := len(p.Squid.HelperRequests())
	res, status = runDoctor(t, config("/broken.pac"), nil, urlsFor(o)...)
	wantVerdict(t, res, status, "pac_failed")
	if !strings.Contains(res.Evidence, "/broken.pac") || !strings.Contains(res.Evidence, "proxyFor") {
		t.Errorf("evidence %q does not name the PAC and what failed", res.Evidence)
	}
	if n := len(p.Squid.HelperRequests()); n != before {
		t.Errorf("a broken PAC still cost %d logons at squid", n-before)
	}
}
