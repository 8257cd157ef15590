package relay

import (
	"fmt"
	"net"
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

func writePAC(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(testenv.TempDir(t), "proxy.pac")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPACChoosesParentsAndDirect(t *testing.T) {
	a := testenv.StartFakeParent(t, nil) // wants alice:secret
	b := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "direct ok") }))
	defer origin.Close()
	pacFile := writePAC(t, fmt.Sprintf(`function FindProxyForURL(url, host) {
		if (shExpMatch(host, "*.a.example")) return "PROXY %s";
		if (dnsDomainIs(host, ".b.example")) return "PROXY %s; DIRECT";
		return "DIRECT";
	}`, a.Addr, b.Addr))
	_, proxy := startRelay(t, Config{Parents: []string{a.Addr}, PAC: pacFile, Auth: basicAuth(t, "alice", "secret")})
	c := client(proxy)
	if resp, body := get(t, c, "http://www.a.example/x"); resp.StatusCode != 200 || !strings.Contains(body, "www.a.example") {
		t.Fatalf("a: %d %q", resp.StatusCode, body)
	}
	if resp, body := get(t, c, "http://www.b.example/y"); resp.StatusCode != 200 || !strings.Contains(body, "www.b.example") {
		t.Fatalf("b: %d %q", resp.StatusCode, body)
	}
	if resp, body := get(t, c, origin.URL+"/"); resp.StatusCode != 200 || body != "direct ok" {
		t.Fatalf("Direct: %d %q", resp.StatusCode, body)
	}
	if len(a.Requests()) == 0 || len(b.Requests()) == 0 {
		t.Fatalf("a saw %d, b saw %d requests", len(a.Requests()), len(b.Requests()))
	}
	// b is named only by the PAC, not in parents: it must never see the password.
	for _, r := range b.Requests() {
		if r.Header.Get("Proxy-Authorization") != "" {
			t.Fatal("credentials sent to a proxy the PAC named that is not in parents or allow_hosts")
		}
	}
}

func TestPACAllowHostsGetsCredentials(t *testing.T) {
	b := testenv.StartFakeParent(t, nil) // wants credentials
	pacFile := writePAC(t, fmt.Sprintf(`function FindProxyForURL(url, host) { return "PROXY %s"; }`, b.Addr))
	_, proxy := startRelay(t, Config{PAC: pacFile, AllowHosts: []string{"127.0.0.0/8"}, Auth: basicAuth(t, "alice", "secret")})
	if resp, body := get(t, client(proxy), "http://x.example/"); resp.StatusCode != 200 {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
}

func TestPACFailoverWhenFirstProxyDies(t *testing.T) {
	// The first proxy closes every connection before answering: a port
	// closed for good could be taken by another test's listener meanwhile
	// (seen once in a full run: a silent peer, and a 10 s wait).
	deadAddr := testenv.ServeTCP(t, func(net.Conn) {})
	b := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	pacFile := writePAC(t, fmt.Sprintf(`function FindProxyForURL(url, host) { return "PROXY %s; PROXY %s"; }`, deadAddr, b.Addr))
	_, proxy := startRelay(t, Config{PAC: pacFile})
	for range 3 {
		if resp, body := get(t, client(proxy), "http://x.example/"); resp.StatusCode != 200 {
			t.Fatalf("%d %q", resp.StatusCode, body)
		}
	}
}

func TestPACServedOverHTTPChangesWhileRunning(t *testing.T) {
	a := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	b := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	var current atomic.Pointer[string]
	pick := func(addr string) {
		s := fmt.Sprintf(`function FindProxyForURL(url, host) { return "PROXY %s"; }`, addr)
		current.Store(&s)
	}
	pick(a.Addr)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, *current.Load()) }))
	defer srv.Close()
	_, proxy := startRelay(t, Config{PAC: srv.URL + "/wpad.dat", PACRefresh: 50 * time.Millisecond})
	get(t, client(proxy), "http://x.example/1")
	pick(b.Addr)
	deadline := time.Now().Add(5 * time.Second)
	for len(b.Requests()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the changed PAC was not followed")
		}
		time.Sleep(100 * time.Millisecond)
		get(t, client(proxy), "http://x.example/2")
	}
}

func TestPACUnavailableFallback(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	missing := filepath.Join(testenv.TempDir(t), "nope.pac")
	_, withParents := startRelay(t, Config{Parents: []string{p.Addr}, PAC: missing})
	if resp, body := get(t, client(withParents), "http://x.example/"); resp.StatusCode != 200 {
		t.Fatalf("fallback to parents: %d %q", resp.StatusCode, body)
	}
	_, failing := startRelay(t, Config{PAC: missing})
	resp, body := get(t, client(failing), "http://x.example/")
	if resp.StatusCode != 502 || !strings.Contains(body, "PAC") || !strings.Contains(body, "pac_fallback") {
		t.Fatalf("no parents, PAC missing: %d %q", resp.StatusCode, body)
	}
}
