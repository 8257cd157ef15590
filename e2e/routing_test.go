package e2e

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// listenerOf returns the address ferry logged for a listener kind.
func listenerOf(t *testing.T, f *testenv.Ferry, kind string) string {
	t.Helper()
	re := regexp.MustCompile(`msg="ferry listening" kind=` + kind + ` addr=(\S+)`)
	m := re.FindStringSubmatch(f.Stderr())
	if m == nil {
		t.Fatalf("ferry logged no %s listener:\n%s", kind, f.Stderr())
	}
	return m[1]
}

// TestSOCKS5AndTunnelsThroughParent: a SOCKS5 client (curl
// --socks5-hostname) and a fixed port tunnel both reach the origin through
// the authenticating parent's CONNECT; extra [headers] reach the parent and
// origin; a client on the deny list gets 403.
func TestSOCKS5AndTunnelsThroughParent(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{SSLPorts: []int{portOf(o.URL)}})
	tunnelAddr := testenv.FreeAddr(t)
	cfg := ferryConfig([]string{p.Squid.Addr}, p.Auth)
	cfg = strings.Replace(cfg, "no_proxy = []\n", fmt.Sprintf(`no_proxy = []
socks5 = ["127.0.0.1:0"]
deny = ["127.0.0.2"]
[headers]
X-Ferry-Site = "corp-approved"
[[tunnel]]
listen = %q
target = %q
`, tunnelAddr, strings.TrimPrefix(o.TLSURL, "https://")), 1)
	f := testenv.StartFerry(t, cfg)
	socks := listenerOf(t, f, "socks5")

	t.Run("socks5 with curl", func(t *testing.T) {
		body, status := curl(t, "--socks5-hostname", socks, "--cacert", o.CAFile, o.TLSURL+"/echo")
		if status != 200 || !strings.Contains(body, `"method":"GET"`) {
			t.Fatalf("status %d body %q", status, body)
		}
		body, status = curl(t, "--socks5-hostname", socks, o.URL+"/bytes?n=100000")
		if status != 200 || len(body) != 100000 {
			t.Fatalf("plain http over socks5: status %d, %d bytes", status, len(body))
		}
	})

	t.Run("tunnel carries TLS", func(t *testing.T) {
		c, err := tls.Dial("tcp", tunnelAddr, &tls.Config{RootCAs: o.CertPool, ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /bytes?n=12345 HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", strings.TrimPrefix(o.TLSURL, "https://"))
		b, _ := io.ReadAll(c)
		if !strings.HasPrefix(string(b), "HTTP/1.1 200") || !strings.Contains(string(b), "Content-Length: 12345") {
			t.Fatalf("through the tunnel: %.200q", b)
		}
	})

	t.Run("headers reach the origin", func(t *testing.T) {
		e := getEcho(t, proxyClient(t, o, f), o.URL+"/echo", nil)
		if got := e.Header.Get("X-Ferry-Site"); got != "corp-approved" {
			t.Fatalf("X-Ferry-Site at the origin = %q", got)
		}
	})

	t.Run("denied client gets 403", func(t *testing.T) {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp", f.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET %s/echo HTTP/1.1\r\nHost: x\r\n\r\n", o.URL)
		resp, err := http.ReadResponse(bufioReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 403 || !strings.Contains(string(b), "allow list") {
			t.Fatalf("denied client: %d %q", resp.StatusCode, b)
		}
	})
	// Both SOCKS5 requests and the port tunnel went through the parent.
	if n := squidRequests(p.Squid, "CONNECT", 200); n < 3 {
		t.Errorf("the parent saw %d CONNECTs, want at least 3 (2 SOCKS5, 1 tunnel)", n)
	}
	checkLogClean(t, f, p)
}

// TestGatewayWithoutAllowRefusesToStart: a listener other machines could
// reach, without an allow list, must not start.
func TestGatewayWithoutAllowRefusesToStart(t *testing.T) {
	out, status := runFerry(t, "run", "--listen", "0.0.0.0:0", "--parent", "127.0.0.1:9")
	if status != 1 || !strings.Contains(out, "serves other machines, and there is no allow list") {
		t.Fatalf("status %d, output:\n%s", status, out)
	}
}

func bufioReader(c net.Conn) *bufio.Reader {
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	return bufio.NewReader(c)
}

func portOf(rawURL string) int {
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(strings.TrimPrefix(rawURL, "http://"), "https://"))
	n, _ := strconv.Atoi(port)
	return n
}

// runFerry runs the ferry binary with args and returns its combined output
// and exit status.
func runFerry(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(testenv.BuildFerry(t), args...)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+testenv.TempDir(t))
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}
