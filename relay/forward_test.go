package relay

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestTrickledResponseReachesAppPieceByPiece: a parent sends a response
// piece by piece and sends the next only once the app has the previous one.
// Each must reach the app while the parent waits, whatever the framing: a
// Content-Length body was held back in ferry's buffer until it filled.
func TestTrickledResponseReachesAppPieceByPiece(t *testing.T) {
	const pieces, size = 5, 100
	for _, framing := range []string{"length", "chunked"} {
		t.Run(framing, func(t *testing.T) {
			got := make(chan struct{})
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.Open = true
				p.Custom = func(c net.Conn, _ *http.Request) {
					head := "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
					if framing == "length" {
						head += fmt.Sprintf("Content-Length: %d\r\n\r\n", pieces*size)
					} else {
						head += "Transfer-Encoding: chunked\r\n\r\n"
					}
					_, _ = io.WriteString(c, head)
					for i := range pieces {
						piece := strings.Repeat(string(rune('a'+i)), size)
						if framing == "chunked" {
							piece = fmt.Sprintf("%x\r\n%s\r\n", size, piece)
						}
						if _, err := io.WriteString(c, piece); err != nil {
							return
						}
						select {
						case <-got:
						case <-time.After(10 * time.Second):
							return // the app never got it: the test fails below
						}
					}
					if framing == "chunked" {
						_, _ = io.WriteString(c, "0\r\n\r\n")
					}
				}
			})
			_, proxy := startRelay(t, Config{Parents: []string{p.Addr}})
			conn, br := rawProxy(t, proxy.Host, "GET http://origin.example/slow HTTP/1.1\r\nHost: origin.example\r\n\r\n")
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range pieces {
				b := make([]byte, size)
				if _, err := io.ReadFull(resp.Body, b); err != nil {
					t.Fatalf("piece %d did not reach the app while the parent waited for it: %v", i+1, err)
				}
				if want := bytes.Repeat([]byte{byte('a' + i)}, size); !bytes.Equal(b, want) {
					t.Fatalf("piece %d: %q", i+1, b)
				}
				got <- struct{}{}
			}
		})
	}
}
