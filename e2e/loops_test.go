package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// loopConfig is a ferry config listening on listen with the given parents
// and no credentials.
func loopConfig(listen string, parents ...string) string {
	cfg := ferryConfig(parents, ferryAuth{Scheme: "none"})
	return strings.Replace(cfg, `listen = ["127.0.0.1:0"]`, fmt.Sprintf("listen = [%q]", listen), 1)
}

// getThrough GETs url through the proxy and returns the status and body.
func getThrough(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestConfigCheckRefusesOwnListenerAsParent: a parent that is ferry's own
// listener (written another way) is refused before anything starts, at its
// line in the file.
func TestConfigCheckRefusesOwnListenerAsParent(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ferry.toml")
	if err := os.WriteFile(file, []byte(loopConfig("127.0.0.1:3128", "localhost:3128")), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"config", "check", "--config", file}, {"run", "--config", file}} {
		cmd := exec.Command(testenv.BuildFerry(t), args...)
		cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}
		// ferry run must stop at the check, not serve: kill it if it does.
		timer := time.AfterFunc(10*time.Second, func() { _ = cmd.Process.Kill() })
		out, err := cmd.CombinedOutput()
		timer.Stop()
		if err == nil {
			t.Fatalf("ferry %s accepted a parent that is its own listener:\n%s", args[0], out)
		}
		want := file + `:2: parent "localhost:3128" is one of ferry's own listen addresses`
		if !strings.Contains(string(out), want) {
			t.Errorf("ferry %s said:\n%s\nwant %q", args[0], out, want)
		}
	}
}

// TestPACNamingFerryItselfGets508: a PAC that sends everything to ferry's
// own address (config check cannot see it) makes a loop; each request gets
// 508 at once, and the log says so once.
func TestPACNamingFerryItselfGets508(t *testing.T) {
	o := testenv.StartOrigin(t)
	addr := testenv.FreeAddr(t)
	pac := filepath.Join(t.TempDir(), "proxy.pac")
	if err := os.WriteFile(pac, []byte(`function FindProxyForURL(url, host) { return "PROXY `+addr+`"; }`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(loopConfig(addr), "parents = []\n", fmt.Sprintf("pac = %q\n", pac), 1)
	f := testenv.StartFerry(t, cfg)
	c := proxyClient(t, o, f)
	start := time.Now()
	for range 20 {
		status, body := getThrough(t, c, o.URL+"/echo")
		if status != http.StatusLoopDetected || !strings.Contains(body, "loop") {
			t.Fatalf("got %d %q, want 508 about a loop", status, body)
		}
	}
	resp, err := c.Get(o.TLSURL + "/echo")
	if err == nil {
		resp.Body.Close()
		t.Fatal("an https request through a CONNECT loop succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("21 looping requests took %v, want each answered at once", d)
	}
	if n := strings.Count(f.Stderr(), "proxy loop"); n != 1 {
		t.Errorf("ferry logged %d lines about the loop, want 1:\n%s", n, f.Stderr())
	}
	// A handful of connections to itself, not thousands: the status page
	// still answers and ferry holds few connections.
	status, _ := getThrough(t, &http.Client{Timeout: 5 * time.Second}, "http://"+addr+"/status.json")
	if status != http.StatusOK {
		t.Errorf("status page: %d", status)
	}
	if n := openConns(t, f.Pid()); n > 20 {
		t.Errorf("ferry holds %d sockets after the loop, want a few", n)
	}
}

// openConns counts the sockets of process pid (Linux /proc).
func openConns(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, e.Name())); err == nil && strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n
}

// TestTwoFerriesPointingAtEachOther: A's parent is B, B's is A. Each sees
// its own Via entry come back and answers 508.
func TestTwoFerriesPointingAtEachOther(t *testing.T) {
	o := testenv.StartOrigin(t)
	aAddr, bAddr := testenv.FreeAddr(t), testenv.FreeAddr(t)
	a := testenv.StartFerry(t, loopConfig(aAddr, bAddr))
	b := testenv.StartFerry(t, loopConfig(bAddr, aAddr))
	for _, f := range []*testenv.Ferry{a, b} {
		start := time.Now()
		status, body := getThrough(t, proxyClient(t, o, f), o.URL+"/echo")
		if status != http.StatusLoopDetected {
			t.Errorf("through %s: %d %q, want 508", f.Addr, status, body)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("through %s: the loop took %v to answer", f.Addr, d)
		}
	}
}

// TestViaThroughSquid: the origin sees ferry's Via entry through a real
// squid; and when squid's own parent is ferry (ferry -> squid -> ferry),
// the request that comes back through squid is answered 508.
func TestViaThroughSquid(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
	e := getEcho(t, proxyClient(t, o, f), o.URL+"/echo", http.Header{"Via": {"1.0 app-cache"}})
	via := e.Header.Values("Via")
	if len(via) == 0 || !strings.HasPrefix(strings.Join(via, ", "), "1.0 app-cache, 1.1 ferry-") {
		t.Errorf("the origin saw Via %q, want the app's entry then ferry's", via)
	}

	// squid probes its peer when it starts and gives up on one that
	// refuses: something must listen on ferry's address until ferry does.
	hold, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := hold.Addr().String()
	sq := testenv.StartSquid(t, testenv.SquidOptions{Extra: fmt.Sprintf(
		"cache_peer 127.0.0.1 parent %s 0 no-query no-digest default\nnever_direct allow all", addr[strings.LastIndexByte(addr, ':')+1:])})
	hold.Close()
	g := testenv.StartFerry(t, loopConfig(addr, sq.Addr))
	status, body := getThrough(t, proxyClient(t, o, g), o.URL+"/echo")
	if status != http.StatusLoopDetected {
		t.Errorf("ferry -> squid -> ferry: %d %q, want 508", status, body)
	}
	if n := squidRequests(sq, "GET", http.StatusLoopDetected); n != 1 {
		t.Errorf("squid logged %d GETs answered 508, want 1:\n%s", n, strings.Join(sq.AccessLogLines(), "\n"))
	}
}
