package e2e

import (
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestConnectionOrientedAuthIsPooled checks ferry keeps its authenticated
// parent connections: cntlm and Alpaca pay one NTLM handshake per request.
// squid ties NTLM and Negotiate to the connection, so every new parent
// connection costs a handshake (a YR line at the helper).
func TestConnectionOrientedAuthIsPooled(t *testing.T) {
	tests := []struct {
		kind     parentKind
		requests int
	}{
		{parentKind{"ntlm", startNTLMParent}, 1000},
		{parentKind{"ntlm-verified", startVerifiedNTLMParent}, 1000},
		{parentKind{"negotiate-ccache", startNegotiateCCacheParent}, 300},
	}
	for _, tc := range tests {
		t.Run(tc.kind.name, func(t *testing.T) {
			const workers = 4
			o := testenv.StartOrigin(t)
			p := tc.kind.start(t, o, testenv.SquidOptions{})
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
			c := proxyClient(t, o, f)

			var wg sync.WaitGroup
			errs := make(chan error, tc.requests)
			jobs := make(chan struct{}, tc.requests)
			for i := 0; i < tc.requests; i++ {
				jobs <- struct{}{}
			}
			close(jobs)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range jobs {
						resp, err := c.Get(o.URL + "/bytes?n=64")
						if err != nil {
							errs <- err
							continue
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							errs <- &statusError{resp.StatusCode}
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			failed := 0
			for err := range errs {
				if failed < 5 {
					t.Errorf("request: %v", err)
				}
				failed++
			}
			handshakes, conns := p.Squid.Handshakes(), p.Squid.ClientConnections()
			t.Logf("%d requests (%d failed) from %d workers: %d handshakes at the parent over %d parent connections",
				tc.requests, failed, workers, handshakes, conns)
			if handshakes > 10 {
				t.Errorf("%d handshakes for %d requests, want at most 10: ferry does not pool authenticated connections", handshakes, tc.requests)
			}
			if conns > 10 {
				t.Errorf("%d parent connections for %d requests, want at most 10", conns, tc.requests)
			}
			if handshakes > conns {
				t.Errorf("%d handshakes over %d connections: ferry re-authenticates pooled connections", handshakes, conns)
			}
			checkLogClean(t, f, p)
		})
	}
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "status " + http.StatusText(e.code) }
