package e2e

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// The tests in this file use only what ferry does on every OS (no SIGHUP),
// so packaging/wine-check.sh runs them against the Windows ferry.exe too.

// TestRefusedParentIsParentRefused: when nothing listens on the only
// parent's port, the app gets a 502 whose Proxy-Status says
// connection_refused and whose page names parent_refused. On Windows the
// refusal is WSAECONNREFUSED, which ferry once reported as a generic
// parent_error ("try again").
func TestRefusedParentIsParentRefused(t *testing.T) {
	o := testenv.StartOrigin(t)
	f := testenv.StartFerry(t, ferryConfig([]string{testenv.FreeAddr(t)}, ferryAuth{Scheme: "basic", User: "alice", Password: "pw"}))
	c := proxyClient(t, o, f)
	resp, err := c.Get(o.URL + "/echo")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("status %d, want 502; body:\n%s", resp.StatusCode, body)
	}
	if ps := resp.Header.Get("Proxy-Status"); !strings.Contains(ps, "error=connection_refused") {
		t.Errorf("Proxy-Status %q, want error=connection_refused", ps)
	}
	if !strings.Contains(string(body), "parent_refused") {
		t.Errorf("the page does not name parent_refused:\n%s", body)
	}
}

// TestConfigFileChangeReloads: rewriting the config file (no signal, as on
// Windows) switches new requests to the new parent.
func TestConfigFileChangeReloads(t *testing.T) {
	o := testenv.StartOrigin(t)
	a := startBasicParent(t, o, testenv.SquidOptions{})
	b := startBasicParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{a.Squid.Addr}, a.Auth))
	c := proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)

	cfg := strings.Replace(ferryConfig([]string{b.Squid.Addr}, b.Auth), "127.0.0.1:0", f.Addr, 1)
	if err := os.WriteFile(f.Config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	waitLog(t, f, "configuration reloaded")
	c.CloseIdleConnections()
	getEcho(t, c, o.URL+"/echo", nil)
	if n := squidRequests(b.Squid, "GET", 200); n != 1 {
		t.Errorf("the new parent saw %d GETs, want 1:\n%s", n, strings.Join(b.Squid.AccessLogLines(), "\n"))
	}
	checkLogClean(t, f, a)
	checkLogClean(t, f, b)
}
