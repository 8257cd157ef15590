package e2e

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	dir := testenv.TempDir(t)
	file := filepath.Join(dir, "ferry.toml")
	if err := os.WriteFile(file, []byte(loopConfig("127.0.0.1:3128", "localhost:3128")), 0o600); err != nil {
		t.Fatal(err)
	}
	refusedByCheckAndRun(t, dir, file, file+`:2: parent "localhost:3128" is one of ferry's own listen addresses`)
}

// refusedByCheckAndRun runs ferry config check and ferry run on file:
// both must fail and say want.
func refusedByCheckAndRun(t *testing.T, dir, file, want string) {
	t.Helper()
	for _, args := range [][]string{{"config", "check", "--config", file}, {"run", "--config", file}} {
		cmd := exec.Command(testenv.BuildFerry(t), args...)
		cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}
		// ferry run must stop at the check, not serve: kill it if it does.
		timer := time.AfterFunc(10*time.Second, func() { _ = cmd.Process.Kill() })
		out, err := cmd.CombinedOutput()
		timer.Stop()
		if err == nil {
			t.Fatalf("ferry %s accepted the config:\n%s", args[0], out)
		}
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
	pac := filepath.Join(testenv.TempDir(t), "proxy.pac")
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

// tunnelConfig is cfg with a [[tunnel]] from listen to target.
func tunnelConfig(cfg, listen, target string) string {
	return cfg + fmt.Sprintf("\n[[tunnel]]\nlisten = %q\ntarget = %q\n", listen, target)
}

// TestTunnelToOwnListenerRefused: a [[tunnel]] whose target is one of
// ferry's own listeners (written another way) is refused by config check
// and run at the tunnel's target line, and a reload to such a config keeps
// the running tunnel (through a real squid) and logs why.
func TestTunnelToOwnListenerRefused(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{SSLPorts: []int{portOf(o.TLSURL)}})
	tunnelAddr, listen := testenv.FreeAddr(t), testenv.FreeAddr(t)
	loop := tunnelConfig(strings.Replace(ferryConfig([]string{p.Squid.Addr}, p.Auth), `listen = ["127.0.0.1:0"]`, fmt.Sprintf("listen = [%q]", listen), 1),
		tunnelAddr, "localhost:"+strings.Split(tunnelAddr, ":")[1])
	want := `tunnel 1: target "localhost:` + strings.Split(tunnelAddr, ":")[1] + `" is one of ferry's own listen addresses`
	line := strings.Count(loop[:strings.Index(loop, "target =")], "\n") + 1

	dir := testenv.TempDir(t)
	file := filepath.Join(dir, "ferry.toml")
	if err := os.WriteFile(file, []byte(loop), 0o600); err != nil {
		t.Fatal(err)
	}
	refusedByCheckAndRun(t, dir, file, fmt.Sprintf("%s:%d: %s", file, line, want))

	good := tunnelConfig(ferryConfig([]string{p.Squid.Addr}, p.Auth), tunnelAddr, strings.TrimPrefix(o.TLSURL, "https://"))
	f := testenv.StartFerry(t, good)
	getThroughTunnel := func() {
		t.Helper()
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", tunnelAddr, &tls.Config{RootCAs: o.CertPool, ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(c, "GET /bytes?n=100 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		b, _ := io.ReadAll(c)
		if !strings.HasPrefix(string(b), "HTTP/1.1 200") {
			t.Fatalf("through the tunnel: %.200q", b)
		}
	}
	getThroughTunnel()
	// The tunnel pointed at itself, saved over the running config: the
	// file watcher reloads, the check refuses, the old tunnel stays.
	own := strings.Replace(good, strings.TrimPrefix(o.TLSURL, "https://"), tunnelAddr, 1)
	if err := os.WriteFile(f.Config, []byte(own), 0o600); err != nil {
		t.Fatal(err)
	}
	waitLog(t, f, "configuration not reloaded")
	// slog quotes the error: its own quotes come escaped.
	if !strings.Contains(f.Stderr(), `tunnel 1: target \"`+tunnelAddr+`\" is one of ferry's own listen addresses`) {
		t.Errorf("the refused reload does not say why:\n%s", f.Stderr())
	}
	getThroughTunnel()
	if n := squidRequests(p.Squid, "CONNECT", 200); n != 2 {
		t.Errorf("the parent saw %d tunnels, want 2 (before and after the refused reload)", n)
	}
	checkLogClean(t, f, p)
}

// TestTunnelToItselfByHostName: the machine's host name, resolving to
// 127.0.0.1, is a name the config check cannot know for ferry's own. A
// [[tunnel]] to itself by that name, and an app's CONNECT to ferry by it,
// both routed directly, are refused at once: a warning and a closed
// connection, 508 for the CONNECT, and a few sockets, not a loop to the
// open-file limit.
func TestTunnelToItselfByHostName(t *testing.T) {
	host := loopbackHostName(t)
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	tunnelAddr := testenv.FreeAddr(t)
	cfg := strings.Replace(ferryConfig([]string{p.Squid.Addr}, p.Auth), "no_proxy = []", fmt.Sprintf("no_proxy = [%q]", host), 1)
	f := testenv.StartFerry(t, tunnelConfig(cfg, tunnelAddr, net.JoinHostPort(host, strings.Split(tunnelAddr, ":")[1])), p.Env...)

	c, err := net.DialTimeout("tcp", tunnelAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(make([]byte, 1))
	c.Close()
	if ne, ok := err.(net.Error); (ok && ne.Timeout()) || n != 0 {
		t.Fatalf("the tunnel's connection: %d bytes, %v; want it closed at once", n, err)
	}
	waitLog(t, f, "cause=proxy_loop")
	if n := openConns(t, f.Pid()); n > 20 {
		t.Errorf("ferry holds %d sockets after the loop, want a few", n)
	}

	target := net.JoinHostPort(host, strings.Split(f.Addr, ":")[1])
	pc, err := net.DialTimeout("tcp", f.Addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	fmt.Fprintf(pc, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", target, target)
	resp, err := http.ReadResponse(bufioReader(pc), &http.Request{Method: http.MethodConnect})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusLoopDetected || !strings.Contains(string(body), "ferry would connect to itself") {
		t.Errorf("CONNECT %s: %d %q, want 508", target, resp.StatusCode, body)
	}
	checkLogClean(t, f, p)
}

// TestTunnelLoopThroughSquidStopsAtMaxConnections: a [[tunnel]] to ferry
// itself by a name the check cannot know, sent through a real squid (no
// no_proxy): squid's CONNECT reaches ferry's tunnel listener as raw TCP,
// which sends another CONNECT, and no Via tells it. A tunnel's
// connections count against limits.max_connections, so ferry stops there,
// says so once, and the app's connection closes.
func TestTunnelLoopThroughSquidStopsAtMaxConnections(t *testing.T) {
	host := loopbackHostName(t)
	o := testenv.StartOrigin(t)
	tunnelAddr := testenv.FreeAddr(t)
	p := startBasicParent(t, o, testenv.SquidOptions{SSLPorts: []int{portOf("http://" + tunnelAddr)}})
	cfg := tunnelConfig(ferryConfig([]string{p.Squid.Addr}, p.Auth)+"[limits]\nmax_connections = 32\n",
		tunnelAddr, net.JoinHostPort(host, strings.Split(tunnelAddr, ":")[1]))
	f := testenv.StartFerry(t, cfg, p.Env...)

	c, err := net.DialTimeout("tcp", tunnelAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	n, err := c.Read(make([]byte, 1))
	c.Close()
	if ne, ok := err.(net.Error); (ok && ne.Timeout()) || n != 0 {
		t.Fatalf("the tunnel's connection: %d bytes, %v; want it closed once ferry reached max_connections", n, err)
	}
	waitLog(t, f, "tunnel connection refused: ferry is serving limits.max_connections")
	tunnels := squidRequests(p.Squid, "CONNECT", 200)
	t.Logf("squid tunnelled %d CONNECTs before ferry stopped the loop", tunnels)
	if tunnels > 40 {
		t.Errorf("squid saw %d tunnels, want about max_connections (32)", tunnels)
	}
	// The chain closes back: ferry is left with a few sockets.
	for deadline := time.Now().Add(10 * time.Second); openConns(t, f.Pid()) > 20 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if n := openConns(t, f.Pid()); n > 20 {
		t.Errorf("ferry holds %d sockets after the loop, want a few", n)
	}
}

// loopbackHostName is the machine's host name, which resolves to
// 127.0.0.1 here: a name for ferry's own listeners that no config check
// can know. The test skips where it resolves elsewhere.
func loopbackHostName(t *testing.T) string {
	t.Helper()
	host, err := os.Hostname()
	if err != nil {
		t.Skip(err)
	}
	if addrs, err := net.LookupHost(host); err != nil || !slices.Contains(addrs, "127.0.0.1") {
		t.Skipf("host name %q resolves to %v (%v), not 127.0.0.1", host, addrs, err)
	}
	return host
}
