package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// largeUpload is big enough that no layer can hold it to replay after a 407.
const largeUpload = 200 << 20

// TestRequestsThroughEachParentKind drives ferry against each kind of parent
// the way applications do: a large upload as the very first request (the
// body must not be lost to the handshake), GETs from Go and curl, CONNECT,
// chunked and Expect: 100-continue uploads.
func TestRequestsThroughEachParentKind(t *testing.T) {
	for _, kind := range parentKinds() {
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o, testenv.SquidOptions{})
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
			c := proxyClient(t, o, f)

			t.Run("large upload as first request", func(t *testing.T) {
				upload(t, c, o.URL, largeUpload, false)
			})
			t.Run("GET reaches the origin without proxy headers", func(t *testing.T) {
				e := getEcho(t, c, o.URL+"/echo", http.Header{"Proxy-Connection": {"keep-alive"}})
				checkOriginHeaders(t, e)
				if n := squidRequests(p.Squid, "GET", 200); n == 0 {
					t.Errorf("squid logged no successful GET: ferry did not go through the parent:\n%s", strings.Join(p.Squid.AccessLogLines(), "\n"))
				}
				for _, e := range p.Squid.AccessLog() {
					if e.Status == 200 && e.User == "-" {
						t.Errorf("squid served a request without a user: %+v", e)
					}
				}
			})
			t.Run("curl GET", func(t *testing.T) {
				body, status := curl(t, "-x", f.ProxyURL.String(), o.URL+"/echo")
				if status != 200 {
					t.Fatalf("curl: status %d, body:\n%s", status, body)
				}
				var e testenv.EchoReply
				if err := json.Unmarshal([]byte(body), &e); err != nil {
					t.Fatalf("curl body %q: %v", body, err)
				}
				checkOriginHeaders(t, e)
			})
			t.Run("CONNECT to the TLS origin", func(t *testing.T) {
				before := squidRequests(p.Squid, "CONNECT", 200)
				e := getEcho(t, c, o.TLSURL+"/echo", nil)
				checkOriginHeaders(t, e)
				if _, status := curl(t, "-x", f.ProxyURL.String(), "--cacert", o.CAFile, o.TLSURL+"/bytes?n=100000"); status != 200 {
					t.Errorf("curl through a tunnel: status %d", status)
				}
				upload(t, c, o.TLSURL, 20<<20, false)
				if n := squidRequests(p.Squid, "CONNECT", 200) - before; n == 0 {
					t.Errorf("squid logged no CONNECT")
				}
			})
			t.Run("chunked upload", func(t *testing.T) {
				upload(t, c, o.URL, 20<<20, true)
			})
			t.Run("curl upload with Expect 100-continue", func(t *testing.T) {
				const n = 5 << 20
				file := filepath.Join(testenv.TempDir(t), "upload")
				w, err := os.Create(file)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.ReadFrom(testenv.Pattern(n)); err != nil {
					t.Fatal(err)
				}
				w.Close()
				// curl sends Expect: 100-continue for bodies over 1 MB.
				body, status := curl(t, "-x", f.ProxyURL.String(), "--data-binary", "@"+file, "-H", "Expect: 100-continue", o.URL+"/sha256")
				var s testenv.SumReply
				if err := json.Unmarshal([]byte(body), &s); status != 200 || err != nil || s.Length != n || s.SHA256 != testenv.PatternSHA256(n) {
					t.Errorf("curl upload: status %d, reply %q, want %d bytes sha256 %s", status, body, n, testenv.PatternSHA256(n))
				}
			})
			checkLogClean(t, f, p)
		})
	}
}
