package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestClientClosingConnectionStillAuthenticates: cntlm and Alpaca fail a
// client that sends Connection: close or speaks HTTP/1.0, because they pass
// its close onto the handshake legs and squid will not send an NTLM
// challenge on a connection about to close. ferry must keep the two apart.
func TestClientClosingConnectionStillAuthenticates(t *testing.T) {
	for _, kind := range []parentKind{{"ntlm", startNTLMParent}, {"negotiate-ccache", startNegotiateCCacheParent}, {"basic", startBasicParent}} {
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o, testenv.SquidOptions{})
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
			u, _ := url.Parse(o.URL)
			host := u.Host

			tests := []struct {
				name, request string
				wantClose     bool
			}{
				{"HTTP/1.0", fmt.Sprintf("GET %s/echo HTTP/1.0\r\nHost: %s\r\n\r\n", o.URL, host), true},
				{"HTTP/1.0 keep-alive", fmt.Sprintf("GET %s/echo HTTP/1.0\r\nHost: %s\r\nProxy-Connection: keep-alive\r\n\r\n", o.URL, host), false},
				{"Connection: close", fmt.Sprintf("GET %s/echo HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", o.URL, host), true},
				// Proxy-Connection is not standard (RFC 9112 appendix C.2.2):
				// ferry may keep the connection, but must answer.
				{"Proxy-Connection: close", fmt.Sprintf("GET %s/echo HTTP/1.1\r\nHost: %s\r\nProxy-Connection: close\r\n\r\n", o.URL, host), false},
				{"HTTP/1.0 POST", fmt.Sprintf("POST %s/sha256 HTTP/1.0\r\nHost: %s\r\nContent-Length: 5\r\n\r\nhello", o.URL, host), true},
				{"Connection: close POST", fmt.Sprintf("POST %s/sha256 HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello", o.URL, host), true},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					resp, body, closed := rawExchange(t, f.Addr, tc.request, tc.wantClose)
					if resp.StatusCode != 200 {
						t.Fatalf("status %d, body:\n%s", resp.StatusCode, body)
					}
					if strings.HasPrefix(tc.request, "POST") {
						var s testenv.SumReply
						if err := json.Unmarshal(body, &s); err != nil || s.Length != 5 {
							t.Errorf("origin got %q, want 5 bytes", body)
						}
					} else {
						var e testenv.EchoReply
						if err := json.Unmarshal(body, &e); err != nil {
							t.Fatalf("body %q: %v", body, err)
						}
						checkOriginHeaders(t, e)
					}
					if tc.wantClose && !closed {
						t.Errorf("ferry kept the connection open after a response to a client that asked to close")
					}
				})
			}
			t.Run("curl --http1.0", func(t *testing.T) {
				if _, status := curl(t, "--http1.0", "-x", f.ProxyURL.String(), o.URL+"/echo"); status != 200 {
					t.Errorf("status %d", status)
				}
			})
			t.Run("curl Connection: close", func(t *testing.T) {
				if _, status := curl(t, "-H", "Connection: close", "-x", f.ProxyURL.String(), o.URL+"/echo"); status != 200 {
					t.Errorf("status %d", status)
				}
			})
			checkLogClean(t, f, p)
		})
	}
}
