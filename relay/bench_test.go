package relay

import (
	"io"
	"net/http"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// BenchmarkForward measures one keep-alive GET through the relay to a
// parent that needs no credentials (go test -bench Forward -cpuprofile).
func BenchmarkForward(b *testing.B) {
	p := testenv.StartFakeParent(b, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(b, Config{Parents: []string{p.Addr}})
	c := client(proxy)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Get("http://origin.example/x")
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
