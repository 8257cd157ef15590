package e2e

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestSquidPassesACutResponse: a site that dies in the middle of its
// answer, behind a real squid. squid passes the cut on (it closes the
// connection short of the length, or leaves the chunked body without its
// last chunk), and ferry must pass it on as cut too: the app sees an
// aborted response, never one that looks complete (docs/routing.md
// "Limits and timeouts"), and ferry's next request through squid works
// on a sound connection.
func TestSquidPassesACutResponse(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	site := testenv.ServeTCP(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		n, _ := c.Read(buf)
		head := "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
		if strings.Contains(string(buf[:n]), "/chunked") {
			head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n"
		}
		_, _ = io.WriteString(c, head+strings.Repeat("p", 1024))
		time.Sleep(100 * time.Millisecond) // then the site dies
	})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)
	for _, path := range []string{"/length", "/chunked"} {
		resp, err := c.Get("http://" + site + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err == nil {
			t.Errorf("GET %s: %d, %d bytes, read error %v: want the 200 and then an aborted body", path, resp.StatusCode, len(b), err)
		}
		if len(b) > 1024 {
			t.Errorf("GET %s: %d bytes, more than the site sent", path, len(b))
		}
		getEcho(t, c, o.URL+"/echo", nil)
	}
	checkLogClean(t, f, p)
}
