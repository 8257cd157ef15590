package socks5

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// curl is the reference client: --socks5-hostname sends the name (the
// parent resolves it), --socks5 resolves locally and sends an IPv4 address.
func TestCurlThroughSOCKS5(t *testing.T) {
	testenv.Require(t, "SOCKS5 with curl", "curl")
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s", r.Host)
	}))
	defer origin.Close()
	_, port, _ := net.SplitHostPort(origin.Listener.Addr().String())

	var seen []string
	dial := func(ctx context.Context, hp string) (net.Conn, error) {
		seen = append(seen, hp)
		host, p, _ := net.SplitHostPort(hp)
		if host == "origin.test" {
			host = "127.0.0.1"
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", net.JoinHostPort(host, p))
	}
	cases := []struct {
		name, url, dialed string
		args              []string
		opt               Options
	}{
		{"socks5-hostname", "http://origin.test:" + port + "/", "origin.test:" + port,
			[]string{"--socks5-hostname"}, Options{}},
		{"socks5 local resolve", "http://127.0.0.1:" + port + "/", "127.0.0.1:" + port,
			[]string{"--socks5"}, Options{}},
		{"ALL_PROXY=socks5h", "http://origin.test:" + port + "/", "origin.test:" + port,
			nil, Options{}},
		{"username/password", "http://origin.test:" + port + "/", "origin.test:" + port,
			[]string{"--proxy-user", "alice:s3cret", "--socks5-hostname"},
			Options{Authenticate: func(u, p string) bool { return u == "alice" && p == "s3cret" }}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			seen = nil
			s := startSOCKS(t, dial, tc.opt)
			args := append([]string{"-sS", "--max-time", "10"}, tc.args...)
			cmd := exec.Command("curl")
			if tc.args == nil {
				// As docs/socks5.md shows: the proxy from the environment.
				cmd.Env = append(os.Environ(), "ALL_PROXY=socks5h://"+s.addr, "NO_PROXY=", "no_proxy=")
			} else {
				args = append(args, s.addr)
			}
			args = append(args, tc.url)
			cmd.Args = append(cmd.Args, args...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("curl %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			if !strings.HasPrefix(string(out), "hello from ") {
				t.Errorf("curl got %q", out)
			}
			if err := s.result(t); err != nil {
				t.Errorf("Serve: %v", err)
			}
			if len(seen) != 1 || seen[0] != tc.dialed {
				t.Errorf("dialer saw %q, want [%q]", seen, tc.dialed)
			}
		})
	}

	t.Run("refused", func(t *testing.T) {
		s := startSOCKS(t, func(context.Context, string) (net.Conn, error) {
			return nil, &ReplyError{Code: ReplyNotAllowed}
		}, Options{})
		out, err := exec.Command("curl", "-sS", "--max-time", "10", "--socks5-hostname", s.addr, "http://blocked.test/").CombinedOutput()
		if err == nil {
			t.Fatalf("curl succeeded through a refusing server: %s", out)
		}
		// curl 7.88 prints the reply code: "Can't complete SOCKS5 connection to blocked.test. (2)".
		if !strings.Contains(string(out), "(2)") {
			t.Errorf("curl's message does not name the reply: %s", out)
		}
		_ = s.result(t)
	})
}

// The ssh ProxyCommand of docs/socks5.md: OpenBSD netcat's SOCKS5 client
// (-X 5 -x), which sends the name, not an address.
func TestNetcatThroughSOCKS5(t *testing.T) {
	testenv.Require(t, "SOCKS5 with OpenBSD netcat", "nc.openbsd")
	echo := echoServer(t, "tcp", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(echo.Addr().String())
	var seen string
	s := startSOCKS(t, func(ctx context.Context, hp string) (net.Conn, error) {
		seen = hp
		return net.Dial("tcp", echo.Addr().String())
	}, Options{})
	// -N: shut the socket down at the end of stdin, so the half-close
	// reaches the echo server, which then answers "bye" and closes.
	cmd := exec.Command("nc.openbsd", "-N", "-w", "10", "-X", "5", "-x", s.addr, "git.corp.test", port)
	cmd.Stdin = strings.NewReader("SSH-2.0-test\r\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nc: %v\n%s", err, out)
	}
	if string(out) != "SSH-2.0-test\r\nbye" {
		t.Errorf("nc got %q", out)
	}
	if err := s.result(t); err != nil {
		t.Errorf("Serve: %v", err)
	}
	if seen != "git.corp.test:"+port {
		t.Errorf("dialer saw %q, want the name as given", seen)
	}
}
