package relay

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestConnectionLimitAnswers503(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, MaxConns: 2})
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", proxy.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	time.Sleep(50 * time.Millisecond) // let the server register them
	c, err := net.Dial("tcp", proxy.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 503 || !strings.Contains(string(body), "max_connections") {
		t.Fatalf("over the limit: %d %q", resp.StatusCode, body)
	}
	// Freed slots are usable again.
	for _, h := range held {
		h.Close()
	}
	time.Sleep(50 * time.Millisecond)
	if resp, _ := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 200 {
		t.Fatalf("after freeing: %d", resp.StatusCode)
	}
}

func TestOversizedHeaderGets431(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, MaxHeaderBytes: 4 << 10})
	c, err := net.Dial("tcp", proxy.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c, "GET http://origin.example/ HTTP/1.1\r\nHost: origin.example\r\nX-Big: "+strings.Repeat("a", 64<<10)+"\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d, want 431", resp.StatusCode)
	}
	if len(p.Requests()) != 0 {
		t.Fatal("oversized request reached the parent")
	}
}

func TestTunnelIdleTimeoutClosesQuietTunnel(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{p.Addr}, TunnelIdleTimeout: 200 * time.Millisecond})
	c, br := connectTunnel(t, proxy.Host)
	// Traffic keeps it open past the timeout...
	for range 4 {
		_, _ = io.WriteString(c, "x")
		if _, err := br.ReadByte(); err != nil {
			t.Fatalf("active tunnel closed: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// ...silence closes it.
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("quiet tunnel: read %v, want EOF", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("closed after %s", d)
	}
}
