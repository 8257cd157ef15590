package bench

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Download fetches n bytes from originHostport's /bytes through the proxy,
// as a plain absolute-form GET or inside a CONNECT tunnel (plain HTTP in the
// tunnel, so that TLS does not hide what the relay costs), and returns the
// elapsed time.
func Download(proxy, originHostport string, n int64, viaConnect bool) (time.Duration, error) {
	c, err := net.DialTimeout("tcp", proxy, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	start := time.Now()
	br := bufio.NewReaderSize(c, 64<<10)
	target := fmt.Sprintf("http://%s/bytes?n=%d", originHostport, n)
	if viaConnect {
		if err := connect(c, br, originHostport); err != nil {
			return 0, err
		}
		target = fmt.Sprintf("/bytes?n=%d", n)
	}
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", target, originHostport)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	got, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return 0, err
	}
	if got != n {
		return 0, fmt.Errorf("got %d of %d bytes", got, n)
	}
	return time.Since(start), nil
}

func connect(c net.Conn, br *bufio.Reader, hostport string) error {
	fmt.Fprintf(c, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", hostport, hostport)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("CONNECT: status %d", resp.StatusCode)
	}
	return nil
}

// OpenTunnels opens n idle CONNECT tunnels to hostport through the proxy,
// a few at a time, and returns those that got a 200; the caller closes them.
//
// It gives up after 20 failures in a row or after limit in all: a relay
// that stops answering past some number of connections (cntlm's select()
// past descriptor 1023) must not stall the benchmark.
func OpenTunnels(proxy, hostport string, n int, limit time.Duration) ([]net.Conn, error) {
	const workers = 8
	var (
		mu       sync.Mutex
		out      []net.Conn
		firstErr error
		failed   int
		left     = n
	)
	deadline := time.Now().Add(limit)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if left == 0 || failed >= 20 || time.Now().After(deadline) {
					mu.Unlock()
					return
				}
				left--
				mu.Unlock()
				c, err := openTunnel(proxy, hostport)
				mu.Lock()
				if err != nil {
					failed++
					if firstErr == nil {
						firstErr = err
					}
				} else {
					failed = 0
					out = append(out, c)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out, firstErr
}

func openTunnel(proxy, hostport string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", proxy, 5*time.Second)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if err := connect(c, bufio.NewReader(c), hostport); err != nil {
		c.Close()
		return nil, err
	}
	_ = c.SetDeadline(time.Time{})
	return c, nil
}

// RSS is a process's resident memory in bytes (Linux).
func RSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
