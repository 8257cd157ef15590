package relay

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestViaOnForwardedRequestsAndConnect: the parent sees ferry's Via entry
// after the app's own, on requests and on CONNECT (which SOCKS5 and port
// tunnels use too).
func TestViaOnForwardedRequestsAndConnect(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	req, _ := http.NewRequest("GET", "http://origin.example/x", nil)
	req.Header.Set("Via", "1.0 app-cache")
	resp, err := client(proxy).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	connectTunnel(t, proxy.Host)
	seen := p.Requests()
	if len(seen) != 2 {
		t.Fatalf("the parent saw %d requests, want 2", len(seen))
	}
	want := "1.1 " + s.via.Name
	if got := seen[0].Header["Via"]; len(got) != 2 || got[0] != "1.0 app-cache" || got[1] != want {
		t.Errorf("GET: Via %q, want the app's then %q", got, want)
	}
	if got := seen[1].Header["Via"]; len(got) != 1 || got[0] != want {
		t.Errorf("CONNECT: Via %q, want %q", got, want)
	}
	if !strings.HasPrefix(s.via.Name, "ferry-") || len(s.via.Name) != len("ferry-")+8 {
		t.Errorf("instance name %q, want ferry- and 8 hex digits", s.via.Name)
	}
}

// TestViaOnSOCKS5AndTunnelConnects: SOCKS5 and port tunnels reach the
// parent through CONNECT, which carries ferry's Via too.
func TestViaOnSOCKS5AndTunnelConnects(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	s, _ := startRelay(t, Config{Parents: []string{p.Addr}, SOCKS5: []string{"127.0.0.1:0"},
		Tunnels: []Tunnel{{Listen: "127.0.0.1:0", Target: "git.example:22"}}})
	sc := socks5Connect(t, s.AddrsOf(kindSOCKS5)[0].String(), "origin.example", 443)
	reply := make([]byte, 12) // method choice, then a reply with an IPv4 address
	if _, err := io.ReadFull(sc, reply); err != nil || reply[3] != 0 {
		t.Fatalf("SOCKS5 reply % x: %v", reply, err)
	}
	tc, err := net.Dial("tcp", s.AddrsOf(kindTunnel)[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	deadline := time.Now().Add(10 * time.Second)
	for len(p.Requests()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	seen := p.Requests()
	if len(seen) != 2 {
		t.Fatalf("the parent saw %d CONNECTs, want 2", len(seen))
	}
	for _, r := range seen {
		if got := r.Header["Via"]; r.Method != http.MethodConnect || len(got) != 1 || got[0] != "1.1 "+s.via.Name {
			t.Errorf("%s %s: Via %q, want %q", r.Method, r.Host, got, "1.1 "+s.via.Name)
		}
	}
}

// TestOwnParentGets508 points ferry at its own listener: every request and
// CONNECT gets 508, with a couple of dials instead of thousands, and
// the log says so once, not once per request.
func TestOwnParentGets508(t *testing.T) {
	var logs testenv.SyncBuffer
	s, proxy := startRelay(t, Config{Parents: []string{"127.0.0.1:9"},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	id := s.via.Name
	if err := s.Reload(Config{Listen: []string{proxy.Host}, Parents: []string{proxy.Host},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}); err != nil {
		t.Fatal(err)
	}
	if s.via.Name != id {
		t.Errorf("the instance id changed on reload: %s, then %s", id, s.via.Name)
	}
	c := client(proxy)
	for range 5 {
		resp, body := get(t, c, "http://origin.example/x")
		if resp.StatusCode != http.StatusLoopDetected || !strings.Contains(body, "loop") {
			t.Fatalf("got %d %q, want 508 about a loop", resp.StatusCode, body)
		}
		if ps := resp.Header.Get("Proxy-Status"); !strings.Contains(ps, "proxy_loop_detected") {
			t.Errorf("Proxy-Status %q, want proxy_loop_detected", ps)
		}
	}
	conn, br := rawProxy(t, proxy.Host, "CONNECT origin.example:443 HTTP/1.1\r\nHost: origin.example:443\r\n\r\n")
	defer conn.Close()
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil || resp.StatusCode != http.StatusLoopDetected {
		t.Fatalf("CONNECT: %v %v, want 508", resp, err)
	}
	var dials int64
	for _, u := range s.Upstreams() {
		dials += u.Stats().Dials
	}
	if dials > 4 {
		t.Errorf("%d dials to ferry itself for 6 requests, want a few", dials)
	}
	if n := strings.Count(logs.String(), "proxy loop"); n != 1 {
		t.Errorf("%d log lines about the loop, want 1:\n%s", n, logs.String())
	}
}

// TestTwoRelaysPointingAtEachOther: A's parent is B and B's is A. A sees
// its own entry in the request that comes back and answers 508.
func TestTwoRelaysPointingAtEachOther(t *testing.T) {
	a, pa := startRelay(t, Config{Parents: []string{"127.0.0.1:9"}})
	b, pb := startRelay(t, Config{Parents: []string{pa.Host}})
	if err := a.Reload(Config{Listen: []string{pa.Host}, Parents: []string{pb.Host},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatal(err)
	}
	for _, proxy := range []*url.URL{pa, pb} {
		resp, body := get(t, client(proxy), "http://origin.example/x")
		if resp.StatusCode != http.StatusLoopDetected {
			t.Errorf("through %s: got %d %q, want 508", proxy.Host, resp.StatusCode, body)
		}
	}
	if a.via.Name == b.via.Name {
		t.Errorf("two relays share the instance id %s", a.via.Name)
	}
}

// TestStatusPageThroughItselfIsNoLoop: an app asking ferry for
// http://localhost:PORT/ (not the address ferry listens on as written)
// goes directly, with ferry's Via, to ferry's own status page: that request
// ends there and is no loop.
func TestStatusPageThroughItselfIsNoLoop(t *testing.T) {
	_, proxy := startRelay(t, Config{Parents: []string{"127.0.0.1:9"}, NoProxy: []string{"localhost"}})
	_, port, _ := net.SplitHostPort(proxy.Host)
	resp, body := get(t, client(proxy), "http://localhost:"+port+"/status.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d %q, want ferry's status", resp.StatusCode, body)
	}
}
