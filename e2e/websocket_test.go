package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestWebSocketUpgradeThroughParent: a plain-HTTP Upgrade: websocket request
// must reach the origin through an authenticating parent, and the upgraded
// connection then carry bytes both ways.
func TestWebSocketUpgradeThroughParent(t *testing.T) {
	for _, kind := range []parentKind{{"ntlm", startNTLMParent}, {"basic", startBasicParent}} {
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o, testenv.SquidOptions{WebSocket: true})
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
			u, _ := url.Parse(o.URL)

			for i := 0; i < 2; i++ { // the second on a fresh or pooled parent connection
				c, err := net.Dial("tcp", f.Addr)
				if err != nil {
					t.Fatal(err)
				}
				_ = c.SetDeadline(time.Now().Add(15 * time.Second))
				fmt.Fprintf(c, "GET %s/ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", o.URL, u.Host)
				br := bufio.NewReader(c)
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					c.Close()
					t.Fatalf("upgrade %d: %v", i, err)
				}
				if resp.StatusCode != http.StatusSwitchingProtocols {
					body, _ := io.ReadAll(resp.Body)
					c.Close()
					t.Fatalf("upgrade %d: status %d, want 101; body:\n%s", i, resp.StatusCode, body)
				}
				msg := fmt.Sprintf("ping %d", i)
				fmt.Fprint(c, msg)
				buf := make([]byte, len(msg))
				if _, err := io.ReadFull(br, buf); err != nil || string(buf) != msg {
					t.Errorf("upgrade %d: echo %q, %v; want %q", i, buf, err, msg)
				}
				c.Close()
			}
			checkLogClean(t, f, p)
		})
	}
}
