package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestPACRoutesBetweenRealParents: a PAC served over HTTP sends one host to
// parent a (Basic, allowed credentials), others to parent b, and the rest
// DIRECT; it changes while ferry runs; when its first proxy dies ferry
// fails over to the next; a PAC-named proxy that is not allowed never sees
// the password.
func TestPACRoutesBetweenRealParents(t *testing.T) {
	// ferry caches PAC answers per host and port, so each route gets its own origin.
	o, oB, oDirect, oFail := testenv.StartOrigin(t), testenv.StartOrigin(t), testenv.StartOrigin(t), testenv.StartOrigin(t)
	a := startBasicParent(t, o, testenv.SquidOptions{})
	b := startBasicParent(t, o, testenv.SquidOptions{}) // same user and password, but not allowed
	dead := testenv.FreeAddr(t)
	// allow_hosts lists 127.0.0.1; b is named as localhost, so it is not allowed.
	bAddr := strings.Replace(b.Squid.Addr, "127.0.0.1", "localhost", 1)
	var script atomic.Pointer[string]
	set := func(s string) { script.Store(&s) }
	set(fmt.Sprintf(`function FindProxyForURL(url, host) {
		if (shExpMatch(url, "%s/*")) return "PROXY %s";
		if (shExpMatch(url, "%s/*")) return "PROXY %s";
		if (shExpMatch(url, "%s/*")) return "PROXY %s; PROXY %s";
		return "DIRECT";
	}`, o.URL, a.Squid.Addr, oB.URL, bAddr, oFail.URL, dead, a.Squid.Addr))
	pacSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		fmt.Fprint(w, *script.Load())
	}))
	defer pacSrv.Close()

	cfg := ferryConfig(nil, a.Auth)
	cfg = strings.Replace(cfg, "parents = []\n", fmt.Sprintf("pac = %q\npac_refresh = \"200ms\"\n", pacSrv.URL+"/wpad.dat"), 1)
	cfg = strings.Replace(cfg, "[auth]\n", fmt.Sprintf("[auth]\nallow_hosts = [%q]\n", "127.0.0.1"), 1)
	f := testenv.StartFerry(t, cfg)
	c := proxyClient(t, o, f)

	getEcho(t, c, o.URL+"/echo", nil)
	if n := squidRequests(a.Squid, "GET", 200); n != 1 {
		t.Fatalf("parent a served %d GETs, want 1", n)
	}
	// b is not in allow_hosts: it gets no credentials, so it refuses (407
	// becomes ferry's 502 credentials_missing), and its helper saw no password.
	resp, err := c.Get(oB.URL + "/echo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("a proxy outside allow_hosts: status %d, want 502", resp.StatusCode)
	}
	if !strings.Contains(f.Stderr(), "sends it no credentials\" proxy="+bAddr) {
		t.Errorf("ferry did not log how to allow the proxy:\n%s", f.Stderr())
	}
	if n := len(b.Squid.HelperRequests()); n != 0 {
		t.Fatalf("parent b's auth helper saw %d credential checks: credentials leaked to a PAC-named proxy", n)
	}
	// DIRECT: the origin is reached without any parent.
	before := squidRequests(a.Squid, "GET", 200)
	getEcho(t, c, oDirect.URL+"/echo", nil)
	if squidRequests(a.Squid, "GET", 200) != before {
		t.Fatal("a DIRECT request went through a parent")
	}
	// Failover: the PAC's first proxy is dead.
	getEcho(t, c, oFail.URL+"/echo", nil)
	// The PAC changes while ferry runs: now everything goes to a.
	set(fmt.Sprintf(`function FindProxyForURL(url, host) { return "PROXY %s"; }`, a.Squid.Addr))
	deadline := time.Now().Add(10 * time.Second)
	for {
		before := squidRequests(a.Squid, "GET", 200)
		getEcho(t, c, oDirect.URL+"/echo", nil)
		if squidRequests(a.Squid, "GET", 200) > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("ferry did not follow the changed PAC")
		}
		time.Sleep(200 * time.Millisecond)
	}
	checkLogClean(t, f, a)
}

// TestPACPathRulesApplyPerHTTPURL: a PAC rule on the path of http URLs
// decides for each URL, also for a host seen a moment ago (ferry used to
// reuse the first path's answer for the whole host for 30 s); https URLs
// show the PAC no path, so every path on the host goes the same way.
func TestPACPathRulesApplyPerHTTPURL(t *testing.T) {
	o := testenv.StartOrigin(t)
	sq := testenv.StartSquid(t, testenv.SquidOptions{SSLPorts: []int{o.TLSPort}})
	pac := filepath.Join(t.TempDir(), "proxy.pac")
	src := fmt.Sprintf(`function FindProxyForURL(url, host) {
		if (shExpMatch(url, "*route=direct*")) return "DIRECT";
		return "PROXY %s";
	}`, sq.Addr)
	if err := os.WriteFile(pac, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(ferryConfig(nil, ferryAuth{Scheme: "none"}), "parents = []\n", fmt.Sprintf("pac = %q\n", pac), 1)
	f := testenv.StartFerry(t, cfg)
	c := proxyClient(t, o, f)
	for i, tc := range []struct {
		query     string
		viaParent bool
	}{
		{"route=direct", false},
		{"route=parent", true},
		{"route=direct&again", false},
		{"route=parent&again", true},
	} {
		before := squidRequests(sq, "GET", 200)
		getEcho(t, c, o.URL+"/echo?"+tc.query, nil)
		through := squidRequests(sq, "GET", 200) > before
		if !through && tc.viaParent {
			// squid writes its access log a little after it answers.
			time.Sleep(500 * time.Millisecond)
			through = squidRequests(sq, "GET", 200) > before
		}
		if through != tc.viaParent {
			t.Errorf("request %d (%s): through the parent %v, want %v", i+1, tc.query, through, tc.viaParent)
		}
	}
	// https: the PAC sees https://host:port/ only, so both go to the parent.
	for _, q := range []string{"route=direct", "route=parent"} {
		tc := o.Client(f.ProxyURL)
		tc.Transport.(*http.Transport).DisableKeepAlives = true
		getEcho(t, tc, o.TLSURL+"/echo?"+q, nil)
	}
	deadline := time.Now().Add(5 * time.Second)
	for squidRequests(sq, "CONNECT", 200) < 2 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := squidRequests(sq, "CONNECT", 200); n != 2 {
		t.Errorf("squid saw %d CONNECTs for two https requests, want 2", n)
	}
}
