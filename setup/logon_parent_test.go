package setup

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestProbeParentHTTPSThroughCONNECT: an https:// --test-url goes through
// the parent's CONNECT, and the parent's 407 there says which schemes it
// offers, as for http:// (through an in-process relay, Go's Transport
// turned the relay's error page for the CONNECT into a bare error).
func TestProbeParentHTTPSThroughCONNECT(t *testing.T) {
	methods := make(chan string, 4)
	addr := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.OnHead = func(c net.Conn, _ *bufio.Reader, req *http.Request) bool {
			methods <- req.Method
			_, _ = io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nProxy-Authenticate: NTLM\r\nContent-Length: 0\r\n\r\n")
			return true
		}
	}).Addr
	offered, err := probeParent(context.Background(), addr, "https://intranet.example/", 10*time.Second)
	if err != nil || !slices.Equal(offered, []string{"Basic", "NTLM"}) {
		t.Fatalf("offered %q, err %v; want Basic, NTLM", offered, err)
	}
	if m := <-methods; m != http.MethodConnect {
		t.Fatalf("the parent got %s, want CONNECT", m)
	}
}
