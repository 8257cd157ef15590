package relay

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/splice"
)

// checkLeaks fails t if goroutines or open files outlive the test. It must
// be called first so that its cleanup runs last, after the relay and the
// fake parent have stopped.
func checkLeaks(t *testing.T) {
	t.Helper()
	testenv.CheckLeaks(t, splice.PooledDescriptors)
}

// closingClient is client(proxy) whose idle connections close when the
// test ends, before checkLeaks looks.
func closingClient(t *testing.T, proxy *url.URL) *http.Client {
	c := client(proxy)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func openFiles() int { return testenv.OpenFiles() }

// connectTunnel opens a CONNECT tunnel to origin.example:443 through the
// relay at addr, closed when the test ends.
func connectTunnel(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, br := rawProxy(t, addr, "CONNECT origin.example:443 HTTP/1.1\r\nHost: origin.example:443\r\n\r\n")
	t.Cleanup(func() { c.Close() })
	if resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect}); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT: %v %v", resp, err)
	}
	return c, br
}

// rawProxy sends a raw request to the relay and returns the connection.
func rawProxy(t *testing.T, addr, req string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	return c, bufio.NewReader(c)
}

func TestFaultParentStallsMidBody(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
			time.Sleep(2 * time.Second) // then goes silent
		}
	})
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, ResponseHeaderTimeout: 200 * time.Millisecond})
	c, br := rawProxy(t, proxy.Host, "GET http://origin.example/ HTTP/1.1\r\nHost: origin.example\r\n\r\n")
	defer c.Close()
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Fatalf("a cut-off body looked complete: %q", b)
	}
	if string(b) != "partial" || time.Since(start) > 1500*time.Millisecond {
		t.Fatalf("got %q after %s: want the partial body, then the connection aborted at the timeout", b, time.Since(start))
	}
}

func TestFaultParentResetsMidBody(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n")
			time.Sleep(50 * time.Millisecond)
			_ = c.(*net.TCPConn).SetLinger(0) // RST
		}
	})
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	resp, err := client(proxy).Get("http://origin.example/")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Fatalf("a reset response looked complete: %q", b)
	}
}

func TestFaultParentOversizedHead(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\n")
			line := "X-Junk: " + strings.Repeat("j", 1000) + "\r\n"
			for range 3000 { // 3 MB of headers
				if _, err := io.WriteString(c, line); err != nil {
					return
				}
			}
		}
	})
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	resp, body := get(t, client(proxy), "http://origin.example/")
	if resp.StatusCode != 502 || !strings.Contains(body, "larger than 1 MiB") {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
}

func TestFaultEndless407CostsOneLogon(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.AlwaysDeny = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")})
	c := client(proxy)
	for range 5 {
		resp, body := get(t, c, "http://origin.example/")
		if resp.StatusCode != 502 {
			t.Fatalf("status %d %q", resp.StatusCode, body)
		}
	}
	if n := p.FailedLogons(); n != 1 {
		t.Fatalf("parent saw %d failed logons, want 1", n)
	}
	c.CloseIdleConnections()
}

func TestFaultClientVanishesMidUpload(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(fp *testenv.FakeParent) { fp.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	c, _ := rawProxy(t, proxy.Host, "POST http://origin.example/up HTTP/1.1\r\nHost: origin.example\r\nContent-Length: 1000000\r\n\r\n")
	_, _ = c.Write(make([]byte, 100_000))
	c.Close()
	// ferry must cut the parent's connection, so the parent sees a body
	// that ended early instead of waiting for the rest or taking it as whole.
	for deadline := time.Now().Add(3 * time.Second); p.BodyErrors() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the parent's connection was not cut; requests seen complete: %d", len(p.Requests()))
		}
	}
	if n := len(p.Requests()); n != 0 {
		t.Fatalf("the parent took %d requests as complete", n)
	}
}

func TestFaultClientVanishesMidDownload(t *testing.T) {
	checkLeaks(t)
	done := make(chan error, 1)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(c net.Conn, _ *http.Request) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n")
			chunk := make([]byte, 32<<10)
			for {
				if _, err := c.Write(chunk); err != nil {
					done <- err
					return
				}
			}
		}
	})
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	c, br := rawProxy(t, proxy.Host, "GET http://origin.example/big HTTP/1.1\r\nHost: origin.example\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 1<<20)
	c.Close()
	select {
	case <-done: // ferry closed the parent connection: the download stopped
	case <-time.After(5 * time.Second):
		buf := make([]byte, 1<<20)
		t.Fatalf("the parent kept sending after the app went away\n%s", buf[:runtime.Stack(buf, true)])
	}
}

func TestFaultGarbageStatusLines(t *testing.T) {
	for i, junk := range []string{"HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "\x16\x03\x01\x02\x00", "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n"} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			checkLeaks(t)
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.Open = true
				p.Custom = func(c net.Conn, _ *http.Request) { _, _ = io.WriteString(c, junk) }
			})
			_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
			c := client(proxy)
			resp, body := get(t, c, "http://origin.example/")
			if resp.StatusCode != 502 || resp.Header.Get("Proxy-Status") == "" {
				t.Fatalf("got %d %q", resp.StatusCode, body)
			}
			c.CloseIdleConnections()
		})
	}
}

// An app that vanishes from a busy tunnel (a reset, not a clean close)
// takes the parent side down with it: nothing is left behind.
func TestFaultClientVanishesMidTunnel(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
	c, br := connectTunnel(t, proxy.Host)
	chunk := strings.Repeat("z", 64<<10)
	for range 16 { // the echo keeps both directions busy
		if _, err := io.WriteString(c, chunk); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(br, make([]byte, len(chunk))); err != nil {
			t.Fatal(err)
		}
	}
	go func() { _, _ = io.WriteString(c, chunk) }()
	_ = c.(*net.TCPConn).SetLinger(0)
	c.Close()
}
