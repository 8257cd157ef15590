package relay

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/parent"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay/failure"
)

// startRelay runs a Server on a loopback port for cfg and returns its proxy URL.
func startRelay(t testing.TB, cfg Config) (*Server, *url.URL) {
	t.Helper()
	s, addr, stop := runRelay(t, cfg)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s, &url.URL{Scheme: "http", Host: addr}
}

// runRelay runs a Server on a loopback port for cfg; stop cancels Serve's
// context and returns what Serve returned (the same on later calls).
func runRelay(t testing.TB, cfg Config) (s *Server, addr string, stop func() error) {
	t.Helper()
	cfg.Listen = []string{"127.0.0.1:0"}
	s, addrs, stop := serveRelay(t, cfg)
	return s, addrs[0].String(), stop
}

// serveRelay runs a Server on cfg's listeners and returns the HTTP ones'
// addresses; stop is runRelay's.
func serveRelay(t testing.TB, cfg Config) (s *Server, addrs []net.Addr, stop func() error) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	addrs, err = s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	var once sync.Once
	var serveErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			serveErr = <-done
		})
		return serveErr
	}
	return s, addrs, stop
}

func basicAuth(t testing.TB, user, password string) *auth.Authenticator {
	t.Helper()
	a, err := auth.New(auth.Config{Scheme: "basic", User: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func client(proxy *url.URL) *http.Client {
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, Timeout: 10 * time.Second}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestForwardAuthenticatesAndStripsClientProxyHeaders(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")})
	req, _ := http.NewRequest("GET", "http://origin.example/x?y=1", nil)
	req.Header.Set("Proxy-Authorization", "Basic YXBwOmFwcA==") // the app's own, for ferry
	req.Header.Set("Connection", "X-Secret")
	req.Header.Set("X-Secret", "hop")
	req.Header.Set("Proxy-Connection", "keep-alive")
	resp, err := client(proxy).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "hello GET http://origin.example/x?y=1 body=0" {
		t.Fatalf("got %d %q", resp.StatusCode, b)
	}
	for _, r := range p.Requests() {
		if r.Header.Get("Proxy-Authorization") == "Basic YXBwOmFwcA==" {
			t.Error("the app's Proxy-Authorization reached the parent")
		}
		for _, h := range []string{"X-Secret", "Proxy-Connection"} {
			if r.Header.Get(h) != "" {
				t.Errorf("hop-by-hop header %s reached the parent", h)
			}
		}
	}
}

func TestPostBodySurvivesA407(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")})
	// auto mode: the first contact learns the scheme from a 407, the small
	// body is sent again on the authenticated leg.
	a, _ := auth.New(auth.Config{User: "alice", Password: "secret"})
	_, proxy2 := startRelay(t, Config{Parents: []string{p.Addr}, Auth: a})
	for _, px := range []*url.URL{proxy, proxy2} {
		resp, err := client(px).Post("http://origin.example/up", "text/plain", strings.NewReader("payload-123"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "hello POST http://origin.example/up body=11" {
			t.Fatalf("got %q", b)
		}
	}
}

func TestLockoutGuardAllowsOneFailedLogon(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "Zq7-not-this")})
	c := client(proxy)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	var lastBody string
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body := get(t, c, "http://origin.example/")
			mu.Lock()
			statuses[resp.StatusCode]++
			lastBody = body
			mu.Unlock()
			if resp.Header.Get("Proxy-Status") == "" {
				t.Error("error response without Proxy-Status")
			}
		}()
	}
	wg.Wait()
	if statuses[http.StatusBadGateway] != 20 {
		t.Fatalf("statuses %v, want 20 x 502", statuses)
	}
	if n := p.FailedLogons(); n != 1 {
		t.Fatalf("parent saw %d failed logons, want 1", n)
	}
	for _, want := range []string{p.Addr, "alice", "Basic", "password"} {
		if !strings.Contains(lastBody, want) {
			t.Errorf("error body does not mention %q:\n%s", want, lastBody)
		}
	}
	// A password no page's prose contains: "wrong" is in the advice of
	// some pages, which made this check fail now and then.
	if strings.Contains(lastBody, "Zq7-not-this") {
		t.Error("error body contains the password")
	}
}

func TestFailoverPastDeadParent(t *testing.T) {
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadAddr := dead.Addr().String()
	dead.Close()
	p := testenv.StartFakeParent(t, nil)
	s, proxy := startRelay(t, Config{Parents: []string{deadAddr, p.Addr}, Auth: basicAuth(t, "alice", "secret")})
	for range 3 {
		resp, _ := get(t, client(proxy), "http://origin.example/")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	st := s.Upstreams()[0].Stats()
	if st.Up || st.Dials != 1 {
		t.Fatalf("dead parent: up=%v dials=%d; want down after exactly one dial (backoff)", st.Up, st.Dials)
	}
}

func TestAllParentsDownGives502WithCause(t *testing.T) {
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadAddr := dead.Addr().String()
	dead.Close()
	_, proxy := startRelay(t, Config{Parents: []string{deadAddr}})
	resp, body := get(t, client(proxy), "http://origin.example/")
	if resp.StatusCode != 502 || !strings.Contains(resp.Header.Get("Proxy-Status"), "connection_refused") ||
		!strings.Contains(body, "refused") {
		t.Fatalf("got %d %q %q", resp.StatusCode, resp.Header.Get("Proxy-Status"), body)
	}
}

func TestParentClosingIdlePooledConnectionIsRetried(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.IdleClose = 50 * time.Millisecond })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")})
	c := closingClient(t, proxy)
	for range 3 {
		resp, body := get(t, c, "http://origin.example/")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d %q", resp.StatusCode, body)
		}
		time.Sleep(150 * time.Millisecond)
	}
	resp, body := func() (*http.Response, string) {
		r, err := c.Post("http://origin.example/", "text/plain", strings.NewReader("abc"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		return r, string(b)
	}()
	if resp.StatusCode != 200 || !strings.HasSuffix(body, "body=3") {
		t.Fatalf("POST after idle close: %d %q", resp.StatusCode, body)
	}
}

func TestConnectionCloseOn407(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.CloseOn407 = true })
	a, _ := auth.New(auth.Config{User: "alice", Password: "secret"}) // auto: learns Basic
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: a})
	resp, body := get(t, closingClient(t, proxy), "http://origin.example/")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d %q", resp.StatusCode, body)
	}
}

func TestGarbageParentIsNotAProxy(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Garbage = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	resp, body := get(t, closingClient(t, proxy), "http://origin.example/")
	if resp.StatusCode != 502 || !strings.Contains(body, "parent_not_proxy") {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
}

func TestStalledParentTimesOut(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Stall = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, ResponseHeaderTimeout: 200 * time.Millisecond})
	resp, body := get(t, closingClient(t, proxy), "http://origin.example/")
	if resp.StatusCode != 504 || !strings.Contains(resp.Header.Get("Proxy-Status"), "connection_timeout") {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
}

func TestConnectTunnelThroughParent(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, nil)
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")})
	c, err := net.Dial("tcp", proxy.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The first tunnel bytes go in the same write as the request, as TLS
	// clients do: they must not be lost in a buffer.
	if _, err := io.WriteString(c, "CONNECT origin.example:443 HTTP/1.1\r\nHost: origin.example:443\r\n\r\nping"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 200)
	n, err := io.ReadAtLeast(c, buf, len("HTTP/1.1 200 Connection established\r\n\r\nping"))
	if err != nil {
		t.Fatalf("read %q: %v", buf[:n], err)
	}
	if got := string(buf[:n]); got != "HTTP/1.1 200 Connection established\r\n\r\nping" {
		t.Fatalf("got %q", got)
	}
	// Half-close: the echo ends when we stop sending.
	_ = c.(*net.TCPConn).CloseWrite()
	rest, err := io.ReadAll(c)
	if err != nil || len(rest) != 0 {
		t.Fatalf("after half-close: %q %v", rest, err)
	}
}

func TestNeverAnswers407(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}}) // no credentials
	resp, body := get(t, client(proxy), "http://origin.example/")
	if resp.StatusCode != 502 || !strings.Contains(body, "credentials_missing") {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
}

func TestErrorStatusMapping(t *testing.T) {
	e := &failure.Error{Cause: failure.ParentTimeout}
	if e.Status() != 504 {
		t.Fatal("timeout must be 504")
	}
	var err error = &failure.Error{Cause: failure.LockedOut, Err: auth.ErrRejected}
	if !errors.Is(err, auth.ErrRejected) {
		t.Fatal("errors.Is through Error")
	}
}

func TestChunkedUploadAfterParentClosedIdleConnection(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.IdleClose = 50 * time.Millisecond })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")})
	c := closingClient(t, proxy)
	for range 3 {
		status, b := testenv.PostUnresendable(t, c, parent.ReplayLimit)
		if want := "body=65540"; status != 200 || !strings.HasSuffix(b, want) {
			t.Fatalf("got %d %q, want 200 ...%s", status, b, want)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// A body that cannot be sent twice never goes on a connection that idled
// past freshIdle: the parent may be closing it that very moment (squid's
// idle timeout fires late), and then the upload would be lost. A request
// that can be resent still reuses it.
func TestUnresendableUploadAvoidsLongIdleConnection(t *testing.T) {
	// parent's freshIdle: a longer one there makes the upload reuse the
	// connection, and this test fail.
	const freshIdle = time.Second
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	// No spares: their dials would blur the count of the pool's.
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, SpareConnections: -1})
	c := closingClient(t, proxy)
	if resp, body := get(t, c, "http://origin.example/"); resp.StatusCode != 200 {
		t.Fatalf("GET: %d %q", resp.StatusCode, body)
	}
	time.Sleep(freshIdle + 100*time.Millisecond)
	status, b := testenv.PostUnresendable(t, c, parent.ReplayLimit)
	if status != 200 || !strings.HasSuffix(b, "body=65540") {
		t.Fatalf("upload: %d %q", status, b)
	}
	u := s.Upstreams()[0]
	if st := u.Stats(); st.Dials != 2 {
		t.Fatalf("%d dials, want 2: the upload must not reuse the connection idle for %s", st.Dials, freshIdle)
	}
	time.Sleep(freshIdle + 100*time.Millisecond)
	if resp, body := get(t, c, "http://origin.example/"); resp.StatusCode != 200 {
		t.Fatalf("GET: %d %q", resp.StatusCode, body)
	}
	if st := u.Stats(); st.Dials != 2 {
		t.Fatalf("%d dials, want 2: a GET reuses an idle connection", st.Dials)
	}
}

// TestLocalhostListensOnBothLoopbacks: "localhost:PORT" (ferry's default
// listen) opens 127.0.0.1 and, where the host has it, ::1 on the same port,
// since apps resolve localhost to either. Listen returns both, which is
// what cmd/ferry logs at start.
func TestLocalhostListensOnBothLoopbacks(t *testing.T) {
	probe, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback on this host")
	}
	probe.Close()
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(free.Addr().String())
	free.Close()
	_, addrs, stop := serveRelay(t, Config{Listen: []string{"localhost:" + port}, Parents: []string{"127.0.0.1:9"}})
	defer func() { _ = stop() }()
	var got []string
	for _, a := range addrs {
		got = append(got, a.String())
	}
	want := []string{"127.0.0.1:" + port, "[::1]:" + port}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("listening on %v, want %v", got, want)
	}
	for _, a := range want {
		resp, body := get(t, client(nil), "http://"+a+"/status.json")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", a, resp.StatusCode, body)
		}
	}
}

// TestUploadAfterParentThatClosesAfterEachAnswer: a parent that closes
// every connection a moment after its answer without saying so (tinyproxy)
// races each reuse: a GET lost that way is sent again, an upload too large
// to keep is not. Once a reused connection was found closed that fast,
// uploads get a connection of their own there (1 MB uploads through
// tinyproxy failed about 1 in 60 before). The first upload before any such
// sign still takes the pooled connection's chance.
func TestUploadAfterParentThatClosesAfterEachAnswer(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true; p.CloseAfter = 300 * time.Millisecond })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	c := closingClient(t, proxy)
	// The second GET meets the first one's connection closed: it is sent
	// again, and ferry learns how this parent closes.
	for range 2 {
		if resp, b := get(t, c, "http://origin.example/a"); resp.StatusCode != 200 {
			t.Fatalf("GET: %d %s", resp.StatusCode, b)
		}
	}
	for i := range 3 {
		get(t, c, "http://origin.example/a")
		// The connection just pooled is still open: the parent closes it
		// a moment later, after ferry's next request went out on it.
		status, b := testenv.PostUnresendable(t, c, parent.ReplayLimit)
		if want := "body=65540"; status != 200 || !strings.HasSuffix(b, want) {
			t.Fatalf("upload %d: got %d %q, want 200 ...%s", i, status, b, want)
		}
	}
}
