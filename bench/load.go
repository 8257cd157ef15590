package bench

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Load is one measurement: conns keep-alive connections to a proxy, each
// sending GETs for url back to back for the duration.
type Load struct {
	Proxy    string // host:port
	URL      string // absolute http:// URL
	Conns    int
	Duration time.Duration
}

// Result is what a Load measured.
type Result struct {
	Requests int
	Errors   int
	// Reconnects counts keep-alive connections the relay closed after a
	// response without saying so: the client dials again, as browsers do.
	Reconnects int
	// FirstError describes one failure, for the report.
	FirstError string
	Elapsed    time.Duration
	P50, P99   time.Duration
}

// RPS is requests per second.
func (r Result) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Run drives the load. The client writes pre-formatted requests on raw
// connections so that the load generator costs little CPU beside the
// relays it measures on the same two cores.
func (l Load) Run() (Result, error) {
	req := fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ferry-bench\r\n\r\n", l.URL, hostOf(l.URL))
	var mu sync.Mutex
	var all []time.Duration
	var res Result
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(l.Duration)
	var firstErr error
	for range l.Conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat, n, errs, reconnects, err := worker(l.Proxy, req, deadline)
			mu.Lock()
			res.Reconnects += reconnects
			all = append(all, lat...)
			res.Requests += n
			res.Errors += errs
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	if len(all) > 0 {
		slices.Sort(all)
		res.P50 = all[len(all)/2]
		res.P99 = all[len(all)*99/100]
	}
	if firstErr != nil {
		res.FirstError = firstErr.Error()
		if res.Requests == 0 {
			return res, firstErr
		}
	}
	return res, nil
}

func worker(proxy string, req []byte, deadline time.Time) (lat []time.Duration, n, errs, reconnects int, err error) {
	var c net.Conn
	var br *bufio.Reader
	var used bool // c carried a request before
	get := &http.Request{Method: http.MethodGet}
	for time.Now().Before(deadline) {
		if c == nil {
			c, err = net.DialTimeout("tcp", proxy, 5*time.Second)
			if err != nil {
				errs++
				time.Sleep(10 * time.Millisecond)
				continue
			}
			br = bufio.NewReader(c)
			used = false
		}
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		t0 := time.Now()
		_, werr := c.Write(req)
		if werr == nil {
			_, werr = br.Peek(1)
		}
		if werr != nil && used {
			reconnects++
			c.Close()
			c = nil
			continue
		}
		used = true
		if werr != nil {
			err = werr
			errs++
			c.Close()
			c = nil
			continue
		}
		resp, rerr := http.ReadResponse(br, get)
		if rerr != nil {
			err = rerr
			errs++
			c.Close()
			c = nil
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(t0))
		if resp.StatusCode != http.StatusOK {
			errs++
			err = fmt.Errorf("status %d %s", resp.StatusCode, resp.Header.Get("Proxy-Status"))
		} else {
			n++
		}
		if resp.Close {
			c.Close()
			c = nil
		}
	}
	if c != nil {
		c.Close()
	}
	return lat, n, errs, reconnects, err
}

func hostOf(rawURL string) string {
	const p = "http://"
	s := rawURL[len(p):]
	for i := range len(s) {
		if s[i] == '/' {
			return s[:i]
		}
	}
	return s
}
