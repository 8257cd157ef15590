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

// OpenTunnels opens n idle CONNECT tunnels to hostport through the proxy and
// returns those that got a 200; the caller closes them.
//
// It gives up after 10 failures in a row or a minute in all: a relay that
// stops answering past some number of connections (cntlm's select() past
// descriptor 1023) must not stall the benchmark.
func OpenTunnels(proxy, hostport string, n int) ([]net.Conn, error) {
	var out []net.Conn
	var firstErr error
	failed := 0
	deadline := time.Now().Add(time.Minute)
	for range n {
		if failed >= 10 || time.Now().After(deadline) {
			break
		}
		c, err := net.DialTimeout("tcp", proxy, 5*time.Second)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(3 * time.Second))
			err = connect(c, bufio.NewReader(c), hostport)
			_ = c.SetDeadline(time.Time{})
			if err != nil {
				c.Close()
			}
		}
		if err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		failed = 0
		out = append(out, c)
	}
	return out, firstErr
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
