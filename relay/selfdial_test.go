package relay

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// expectClosedPromptly reads from a tunnel listener's connection: ferry
// must close it (EOF, or a reset) within 5 s. Before the fix, a tunnel to
// itself kept the app's connection open while each level dialed the next.
func expectClosedPromptly(t *testing.T, addr string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the tunnel's connection was still open after 5 s: ferry is dialing itself in a loop")
	}
	if n != 0 {
		t.Fatalf("read %d bytes from a tunnel that leads to ferry itself", n)
	}
}

// TestTunnelToItselfIsRefused: [[tunnel]]s whose target, reached directly,
// is one of ferry's own listeners by another name than the config's (the
// config check refuses the same names). Each app connection is closed at
// once, with one log line that says it is a loop and what to fix, instead
// of every connection opening another.
func TestTunnelToItselfIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		// tunnels builds the [[tunnel]]s from the tunnel's address, its
		// neighbour's, and the HTTP and SOCKS5 listeners'.
		tunnels func(self, other, http, socks string) []Tunnel
	}{
		{"its own listener", func(self, _, _, _ string) []Tunnel {
			return []Tunnel{{Listen: self, Target: "localhost:" + portOf(self)}}
		}},
		{"two tunnels pointing at each other", func(self, other, _, _ string) []Tunnel {
			return []Tunnel{{Listen: self, Target: "localhost:" + portOf(other)}, {Listen: other, Target: self}}
		}},
		{"the HTTP listener", func(self, _, http, _ string) []Tunnel {
			return []Tunnel{{Listen: self, Target: "localhost:" + portOf(http)}}
		}},
		{"the SOCKS5 listener", func(self, _, _, socks string) []Tunnel {
			return []Tunnel{{Listen: self, Target: "localhost:" + portOf(socks)}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs testenv.SyncBuffer
			self, other, httpAddr, socks := testenv.FreeAddr(t), testenv.FreeAddr(t), testenv.FreeAddr(t), testenv.FreeAddr(t)
			cfg := Config{Listen: []string{httpAddr}, SOCKS5: []string{socks}, Parents: []string{"127.0.0.1:9"},
				NoProxy: []string{"localhost", "127.0.0.1"}, Tunnels: tc.tunnels(self, other, httpAddr, socks),
				Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			_, _, stop := serveRelay(t, cfg)
			t.Cleanup(func() { _ = stop() })
			expectClosedPromptly(t, self)
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(logs.String(), "tunnel failed") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			log := logs.String()
			if n := strings.Count(log, "tunnel failed"); n != 1 {
				t.Errorf("%d failed tunnels logged for one connection, want 1:\n%s", n, log)
			}
			for _, want := range []string{"cause=proxy_loop", "is ferry's own", "leads straight back into ferry", "set the tunnel's target"} {
				if !strings.Contains(log, want) {
					t.Errorf("the log does not say %q:\n%s", want, log)
				}
			}
		})
	}
}

// portOf is addr's port.
func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}

// TestConnectToItselfGets508: an app's CONNECT, routed directly, to
// ferry's own HTTP or SOCKS5 listener by another name is answered 508
// Loop Detected with proxy_loop_detected. Before, ferry answered 200 and
// spliced the app into its own proxy port.
func TestConnectToItselfGets508(t *testing.T) {
	s, proxy := startRelay(t, Config{Parents: []string{"127.0.0.1:9"}, SOCKS5: []string{"127.0.0.1:0"},
		NoProxy: []string{"localhost"}})
	for _, target := range []string{"localhost:" + portOf(proxy.Host), "localhost:" + portOf(s.AddrsOf(kindSOCKS5)[0].String())} {
		conn, br := rawProxy(t, proxy.Host, "CONNECT "+target+" HTTP/1.1\r\nHost: "+target+"\r\n\r\n")
		resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != http.StatusLoopDetected || !strings.Contains(resp.Header.Get("Proxy-Status"), "proxy_loop_detected") ||
			!strings.Contains(string(body), "which is ferry itself") || !strings.Contains(string(body), msg.Title("en", "proxy_loop_direct")) {
			t.Errorf("CONNECT %s: %d %q %q, want 508 proxy_loop_detected", target, resp.StatusCode, resp.Header.Get("Proxy-Status"), body)
		}
	}
}

// TestSOCKS5ToItselfIsNotAllowed: a SOCKS5 CONNECT, routed directly, to
// ferry's own SOCKS5 listener by another name gets reply 2 (not allowed)
// at once instead of a success that nests ferry in itself.
func TestSOCKS5ToItselfIsNotAllowed(t *testing.T) {
	s, _ := startRelay(t, Config{Parents: []string{"127.0.0.1:9"}, SOCKS5: []string{"127.0.0.1:0"}, NoProxy: []string{"localhost"}})
	port, _ := strconv.Atoi(portOf(s.AddrsOf(kindSOCKS5)[0].String()))
	sc := socks5Connect(t, s.AddrsOf(kindSOCKS5)[0].String(), "localhost", port)
	reply := make([]byte, 4) // method choice, then the reply's head
	if _, err := io.ReadFull(sc, reply); err != nil || reply[3] != 2 {
		t.Fatalf("SOCKS5 reply % x: %v, want reply 2 (not allowed)", reply, err)
	}
}

// TestConnectToOwnTunnelListenerWorks: an app's CONNECT to a [[tunnel]]
// listener is a port forward reached through the proxy, no loop: it goes
// on to the tunnel's target.
func TestConnectToOwnTunnelListenerWorks(t *testing.T) {
	target := testenv.ServeTCP(t, func(c net.Conn) { _, _ = io.WriteString(c, "SSH-2.0-test\r\n") })
	s, proxy := startRelay(t, Config{Parents: []string{"127.0.0.1:9"}, NoProxy: []string{"localhost", "127.0.0.1"},
		Tunnels: []Tunnel{{Listen: "127.0.0.1:0", Target: target}}})
	hostport := "localhost:" + portOf(s.AddrsOf(kindTunnel)[0].String())
	conn, br := rawProxy(t, proxy.Host, "CONNECT "+hostport+" HTTP/1.1\r\nHost: "+hostport+"\r\n\r\n")
	defer conn.Close()
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT %s: %v %v, want 200", hostport, resp, err)
	}
	line, err := br.ReadString('\n')
	if err != nil || line != "SSH-2.0-test\r\n" {
		t.Fatalf("through the tunnel: %q %v, want the target's banner", line, err)
	}
}

// TestTwoFerriesTunnelingToEachOther: A's [[tunnel]] targets B's and B's
// targets A's, both reached directly. Neither can tell by address (each
// dials the other's listener), so limits.max_connections bounds the loop:
// a port tunnel's connections count against it while they are open, the
// ferry that reaches it refuses the next one with a warning that names
// the loop as a likely cause, and the chain closes back to the app.
func TestTwoFerriesTunnelingToEachOther(t *testing.T) {
	var logsA, logsB testenv.SyncBuffer
	pa, pb := testenv.FreeAddr(t), testenv.FreeAddr(t)
	_, _, stopA := serveRelay(t, Config{Listen: []string{"127.0.0.1:0"}, Parents: []string{"127.0.0.1:9"}, NoProxy: []string{"127.0.0.1"},
		MaxConns: 64, Tunnels: []Tunnel{{Listen: pa, Target: pb}}, Logger: slog.New(slog.NewTextHandler(&logsA, nil))})
	t.Cleanup(func() { _ = stopA() })
	_, _, stopB := serveRelay(t, Config{Listen: []string{"127.0.0.1:0"}, Parents: []string{"127.0.0.1:9"}, NoProxy: []string{"127.0.0.1"},
		MaxConns: 64, Tunnels: []Tunnel{{Listen: pb, Target: pa}}, Logger: slog.New(slog.NewTextHandler(&logsB, nil))})
	t.Cleanup(func() { _ = stopB() })
	before, peak := testenv.OpenFiles(), 0
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			peak = max(peak, testenv.OpenFiles())
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	expectClosedPromptly(t, pa)
	close(done)
	<-sampled
	// Two ferries of 64 connections each: a few hundred descriptors
	// (an app connection and a dial per level), not the open-file limit.
	t.Logf("descriptors: %d before, %d at the peak", before, peak)
	if peak-before > 1000 {
		t.Errorf("the loop took %d descriptors, want it bounded by max_connections (64 each)", peak-before)
	}
	if logs := logsA.String() + logsB.String(); !strings.Contains(logs, "max_connections") || !strings.Contains(logs, "in a loop") {
		t.Errorf("neither ferry logged that it reached max_connections, with a loop as the likely cause:\n%s", logs)
	}
}

// TestReloadFixesATunnelsTarget: the fix for a tunnel that loops is a new
// target in the file; a reload applies it on the same listen address (the
// listener stays open) and the next connection reaches the new target.
func TestReloadFixesATunnelsTarget(t *testing.T) {
	var logs testenv.SyncBuffer
	target := testenv.ServeTCP(t, func(c net.Conn) { _, _ = io.WriteString(c, "SSH-2.0-test\r\n") })
	tunnel := testenv.FreeAddr(t)
	cfg := Config{Listen: []string{"127.0.0.1:0"}, Parents: []string{"127.0.0.1:9"}, NoProxy: []string{"localhost", "127.0.0.1"},
		Tunnels: []Tunnel{{Listen: tunnel, Target: "localhost:" + portOf(tunnel)}}, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	s, addrs, stop := serveRelay(t, cfg)
	t.Cleanup(func() { _ = stop() })
	expectClosedPromptly(t, tunnel)
	cfg.Listen = []string{addrs[0].String()}
	cfg.Tunnels = []Tunnel{{Listen: tunnel, Target: target}}
	if err := s.Reload(cfg); err != nil {
		t.Fatalf("reload with the tunnel's target fixed: %v", err)
	}
	c, err := net.Dial("tcp", tunnel)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 14)
	if _, err := io.ReadFull(c, b); err != nil || string(b) != "SSH-2.0-test\r\n" {
		t.Fatalf("after the reload the tunnel gave %q, %v; want the new target's banner", b, err)
	}
}
