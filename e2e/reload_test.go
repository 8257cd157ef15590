//go:build unix

// SIGHUP is how Unix asks ferry to reload; Windows has no such signal (ferry
// reloads there when the config file changes).

package e2e

import (
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestReloadKeepsTunnelsAndSwitchesParent: SIGHUP applies a new config
// file (another parent here) to new requests while a TLS tunnel opened
// before keeps working; a broken config is refused and the old one stays.
func TestReloadKeepsTunnelsAndSwitchesParent(t *testing.T) {
	o := testenv.StartOrigin(t)
	a := startBasicParent(t, o, testenv.SquidOptions{})
	b := startDigestParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{a.Squid.Addr}, a.Auth))
	c := proxyClient(t, o, f)

	// A TLS connection through a tunnel, kept open across the reload.
	resp, err := c.Get(o.TLSURL + "/echo")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.TLS == nil {
		t.Fatal("not a TLS response")
	}
	tunnelsBefore := squidRequests(a.Squid, "CONNECT", 200)

	// Switch to parent b (same user, its password) and signal.
	cfg := ferryConfig([]string{b.Squid.Addr}, b.Auth)
	if err := os.WriteFile(f.Config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(f.Pid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLog(t, f, "configuration reloaded")

	// The old tunnel still carries requests (same TLS connection: no new CONNECT at a).
	resp, err = c.Get(o.TLSURL + "/echo")
	if err != nil {
		t.Fatalf("request on the old tunnel after reload: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if n, m := squidRequests(a.Squid, "CONNECT", 200), squidRequests(b.Squid, "CONNECT", 200); n != tunnelsBefore || m != 0 {
		t.Errorf("after the reload the parents saw %d and %d new tunnels, want none (the old tunnel was dropped)", n-tunnelsBefore, m)
	}
	// New plain requests go to b.
	getEcho(t, c, o.URL+"/echo", nil)
	if n := squidRequests(b.Squid, "GET", 200); n != 1 {
		t.Errorf("new parent saw %d GETs, want 1", n)
	}

	// A broken config is refused; ferry keeps serving with the last good one.
	if err := os.WriteFile(f.Config, []byte("parents = [\"no-port\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(f.Pid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLog(t, f, "configuration not reloaded")
	fresh := proxyClient(t, o, f)
	getEcho(t, fresh, o.URL+"/echo", nil)
	if n := squidRequests(b.Squid, "GET", 200); n != 2 {
		t.Errorf("after a refused reload the parent saw %d GETs, want 2", n)
	}
	checkLogClean(t, f, a)
	checkLogClean(t, f, b)
}
