package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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
