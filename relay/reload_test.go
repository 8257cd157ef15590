package relay

import (
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestReloadSwapsParentsAndKeepsTunnels(t *testing.T) {
	p1 := testenv.StartFakeParent(t, nil)
	p2 := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	s, proxy := startRelay(t, Config{Parents: []string{p1.Addr}, Auth: basicAuth(t, "alice", "secret")})

	// A tunnel opened before the reload must keep working after it.
	tc, br := connectTunnel(t, proxy.Host)

	addrs := s.Addrs()
	err := s.Reload(Config{Listen: []string{addrs[0].String(), "127.0.0.1:0"}, Parents: []string{p2.Addr}})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(s.Addrs()); got != 2 {
		t.Fatalf("%d listeners after reload, want 2", got)
	}
	for _, a := range s.Addrs() {
		px := &url.URL{Scheme: "http", Host: a.String()}
		resp, body := get(t, client(px), "http://origin.example/after")
		if resp.StatusCode != 200 {
			t.Fatalf("via %s after reload: %d %q", a, resp.StatusCode, body)
		}
	}
	if n := len(p2.Requests()); n != 2 {
		t.Fatalf("new parent saw %d requests, want 2", n)
	}
	_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(tc, "still here")
	buf := make([]byte, len("still here"))
	if _, err := io.ReadFull(br, buf); err != nil || string(buf) != "still here" {
		t.Fatalf("tunnel after reload: %q %v", buf, err)
	}

	// A listener dropped from the config closes; an invalid config changes nothing.
	second := s.Addrs()[1].String()
	if err := s.Reload(Config{Listen: []string{addrs[0].String()}, Parents: []string{p2.Addr}}); err != nil {
		t.Fatal(err)
	}
	if _, err := net.DialTimeout("tcp", second, time.Second); err == nil {
		t.Fatal("removed listener still accepts")
	}
	if err := s.Reload(Config{Listen: []string{addrs[0].String()}, Parents: []string{"no-port"}}); err == nil {
		t.Fatal("invalid config accepted")
	}
	resp, body := get(t, client(proxy), "http://origin.example/again")
	if resp.StatusCode != 200 || !strings.Contains(body, "/again") {
		t.Fatalf("after rejected reload: %d %q", resp.StatusCode, body)
	}
}

func TestReloadClearsLockout(t *testing.T) {
	p := testenv.StartFakeParent(t, nil)
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "wrong")})
	if resp, _ := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 502 {
		t.Fatalf("wrong password: status %d", resp.StatusCode)
	}
	if err := s.Reload(Config{Listen: []string{s.Addrs()[0].String()}, Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret")}); err != nil {
		t.Fatal(err)
	}
	if resp, body := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 200 {
		t.Fatalf("after fixing the password: %d %q", resp.StatusCode, body)
	}
}
