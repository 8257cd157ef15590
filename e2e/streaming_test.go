package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestSlowKnownLengthResponseStreams: an origin sends a Content-Length
// response at 100 bytes a second (progress output, a log followed over
// HTTP), through a real squid. The app must get the bytes as they come, not
// in lumps at the end.
func TestSlowKnownLengthResponseStreams(t *testing.T) {
	const pieces, size = 10, 100
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", strconv.Itoa(pieces*size))
		for i := range pieces {
			if _, err := io.WriteString(w, strings.Repeat(strconv.Itoa(i), size)); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
				return
			}
		}
	}))
	t.Cleanup(slow.Close)
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)

	start := time.Now()
	resp, err := c.Get(slow.URL + "/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got atomic.Int64
	firstAt := make(chan time.Duration, 1)
	done := make(chan error, 1)
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(b)
			if n > 0 && got.Add(int64(n)) == int64(n) {
				firstAt <- time.Since(start)
			}
			if err != nil {
				done <- err
				return
			}
		}
	}()
	select {
	case d := <-firstAt:
		if d > 3*time.Second {
			t.Errorf("the first bytes took %v to arrive", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no byte within 5 s")
	}
	time.Sleep(time.Until(start.Add(5500 * time.Millisecond)))
	// By now the origin has sent 600 bytes; allow for a slow machine.
	if n := got.Load(); n < 300 {
		t.Errorf("the app had %d bytes after 5.5 s of a 100 B/s response, want them as they come (>= 300)", n)
	}
	if err := <-done; err != io.EOF || got.Load() != pieces*size {
		t.Errorf("body: %d bytes, %v", got.Load(), err)
	}
}
