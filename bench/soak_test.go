package bench

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestSoak runs ferry under mixed load (keep-alive requests, new
// connections, CONNECT tunnels opened and closed, some apps vanishing
// mid-download) against a real NTLM squid, and checks that resident
// memory, goroutines and open files stay flat.
//
// Run: FERRY_SOAK=1 FERRY_SOAK_SECONDS=600 go test -run TestSoak -v -timeout 30m ./bench
func TestSoak(t *testing.T) {
	if os.Getenv("FERRY_SOAK") == "" {
		t.Skip("the soak runs only with FERRY_SOAK=1 (make soak)")
	}
	dur := time.Duration(envInt("FERRY_SOAK_SECONDS", 600)) * time.Second
	const user, pw = "soakuser", "Soak-pw 1!"
	o := testenv.StartOrigin(t)
	originHostport := strings.TrimPrefix(o.URL, "http://")
	_, port, _ := net.SplitHostPort(originHostport)
	httpPort, _ := strconv.Atoi(port)
	v := testenv.StartNTLMVerifier(t, map[string]string{user: pw})
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNTLM, NTLM: v, SSLPorts: []int{httpPort}})
	f := testenv.StartFerry(t, fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nscheme = \"ntlm\"\nuser = %q\ndomain = %q\n", sq.Addr, user, v.Domain), "FERRY_PASSWORD="+pw)

	stop := time.Now().Add(dur)
	var requests, tunnels, errs atomic.Int64
	var wg sync.WaitGroup
	worker := func(fn func() error) {
		defer wg.Done()
		for time.Now().Before(stop) {
			if err := fn(); err != nil {
				errs.Add(1)
			}
		}
	}
	keepAlive := func() error {
		res, err := Load{Proxy: f.Addr, URL: o.URL + "/bytes?n=1024", Conns: 1, Duration: time.Second}.Run()
		requests.Add(int64(res.Requests))
		return err
	}
	fresh := func() error {
		c, err := net.Dial("tcp", f.Addr)
		if err != nil {
			return err
		}
		defer c.Close()
		fmt.Fprintf(c, "GET %s/bytes?n=4096 HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", o.URL, originHostport)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			resp.Body.Close()
			requests.Add(1)
		}
		return err
	}
	tunnel := func() error {
		d, err := Download(f.Addr, originHostport, 256<<10, true)
		_ = d
		tunnels.Add(1)
		return err
	}
	vanish := func() error {
		c, err := net.Dial("tcp", f.Addr)
		if err != nil {
			return err
		}
		fmt.Fprintf(c, "GET %s/bytes?n=50000000 HTTP/1.1\r\nHost: %s\r\n\r\n", o.URL, originHostport)
		buf := make([]byte, 64<<10)
		_, _ = c.Read(buf)
		return c.Close() // gone mid-download
	}
	for range 8 {
		wg.Add(1)
		go worker(keepAlive)
	}
	for _, fn := range []func() error{fresh, fresh, tunnel, tunnel, vanish} {
		wg.Add(1)
		go worker(fn)
	}
	type sample struct {
		at              time.Duration
		rssMB           float64
		fds, goroutines int
	}
	var samples []sample
	start := time.Now()
	for time.Now().Before(stop) {
		time.Sleep(min(dur/10, 30*time.Second))
		samples = append(samples, sample{time.Since(start).Round(time.Second), float64(RSS(f.Pid())) / (1 << 20), openFDs(f.Pid()), goroutines(f.Addr)})
	}
	wg.Wait()
	time.Sleep(2 * time.Second) // let the last connections close
	end := sample{time.Since(start).Round(time.Second), float64(RSS(f.Pid())) / (1 << 20), openFDs(f.Pid()), goroutines(f.Addr)}
	samples = append(samples, end)
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests, %d tunnels, %d errors in %s\n\n| time | RSS (MB) | open files | goroutines |\n|---|---|---|---|\n",
		requests.Load(), tunnels.Load(), errs.Load(), dur)
	for _, s := range samples {
		fmt.Fprintf(&b, "| %s | %.1f | %d | %d |\n", s.at, s.rssMB, s.fds, s.goroutines)
	}
	t.Log("\n" + b.String())
	// Flat: after the load ends, ferry is back near where the first sample was.
	first := samples[0]
	if end.goroutines > first.goroutines+20 || end.fds > first.fds+20 {
		t.Errorf("not flat: goroutines %d -> %d, open files %d -> %d", first.goroutines, end.goroutines, first.fds, end.fds)
	}
}

func openFDs(pid int) int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	return len(ents)
}

// goroutines reads ferry_goroutines from the relay's /metrics.
func goroutines(addr string) int {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "ferry_goroutines "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return -1
}
