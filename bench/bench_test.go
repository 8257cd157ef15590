package bench

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestBench compares ferry with Debian's cntlm (both NTLMv2 against the same
// squid, whose ntlm_auth really verifies the password through winbindd) and
// with a client going straight to an unauthenticated squid: the limit a
// relay can approach. It prints a table of figures and ratios.
//
// Run: make bench (FERRY_BENCH=1 go test -run TestBench -v -timeout 30m ./bench).
// FERRY_BENCH_SECONDS sets each measurement's length (default 5).
func TestBench(t *testing.T) {
	if os.Getenv("FERRY_BENCH") == "" {
		t.Skip("benchmarks run only with FERRY_BENCH=1 (make bench)")
	}
	testenv.Require(t, "cntlm", "/usr/sbin/cntlm")
	dur := 5 * time.Second
	if s, err := strconv.Atoi(os.Getenv("FERRY_BENCH_SECONDS")); err == nil && s > 0 {
		dur = time.Duration(s) * time.Second
	}
	const user, pw = "benchuser", "Bench-pw 1!"
	o := testenv.StartOrigin(t)
	v := testenv.StartNTLMVerifier(t, map[string]string{user: pw})
	ntlmSquid := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNTLM, NTLM: v, SSLPorts: []int{o.TLSPort}})
	openSquid := testenv.StartSquid(t, testenv.SquidOptions{SSLPorts: []int{o.TLSPort}})

	f := testenv.StartFerry(t, fmt.Sprintf(`listen = ["127.0.0.1:0"]
parents = [%q]
[auth]
scheme = "ntlm"
user = %q
domain = %q
`, ntlmSquid.Addr, user, v.Domain), "FERRY_PASSWORD="+pw)
	cntlm := startCntlm(t, ntlmSquid.Addr, user, v.Domain, pw)

	target := o.URL + "/bytes?n=512"
	relays := []struct {
		name, addr string
		pid        int
	}{
		{"direct", openSquid.Addr, 0},
		{"ferry", f.Addr, f.Pid()},
		{"cntlm", cntlm.addr, cntlm.cmd.Process.Pid},
	}
	type row struct {
		relay string
		conns int
		res   Result
		cpu   time.Duration
		hs    int
	}
	var rows []row
	for _, conns := range []int{1, 50, 200} {
		for _, r := range relays {
			hs0 := ntlmSquid.Handshakes()
			cpu0 := cpuTime(r.pid)
			res, err := Load{Proxy: r.addr, URL: target, Conns: conns, Duration: dur}.Run()
			if err != nil {
				t.Fatalf("%s at %d connections: %v", r.name, conns, err)
			}
			rows = append(rows, row{r.name, conns, res, cpuTime(r.pid) - cpu0, ntlmSquid.Handshakes() - hs0})
			if res.Errors > 0 {
				t.Logf("%s at %d connections: %d errors, e.g. %s", r.name, conns, res.Errors, res.FirstError)
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| conns | relay | req/s | p50 | p99 | errors | reconnects | relay CPU per request | NTLM handshakes per 10k requests | req/s vs direct | req/s vs cntlm |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|---|---|\n")
	find := func(name string, conns int) Result {
		for _, r := range rows {
			if r.relay == name && r.conns == conns {
				return r.res
			}
		}
		return Result{}
	}
	for _, r := range rows {
		cpu, hs := "-", "-"
		if r.relay != "direct" && r.res.Requests > 0 {
			cpu = fmt.Sprintf("%.3f ms", float64(r.cpu.Microseconds())/1000/float64(r.res.Requests))
			hs = fmt.Sprintf("%.0f", float64(r.hs)*10000/float64(r.res.Requests))
		}
		fmt.Fprintf(&b, "| %d | %s | %.0f | %s | %s | %d | %d | %s | %s | %.2fx | %.2fx |\n", r.conns, r.relay, r.res.RPS(),
			r.res.P50.Round(time.Microsecond), r.res.P99.Round(time.Microsecond), r.res.Errors, r.res.Reconnects, cpu, hs,
			r.res.RPS()/find("direct", r.conns).RPS(), r.res.RPS()/find("cntlm", r.conns).RPS())
	}
	t.Logf("GET %s, %s per measurement, squid %s\n\n%s", target, dur, squidVersion(), b.String())
	if out := os.Getenv("FERRY_BENCH_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

type cntlmProc struct {
	addr string
	cmd  *exec.Cmd
}

// startCntlm runs Debian's cntlm in the foreground with NTLMv2 (its Auth NT
// mode sends an all-zero response, a cntlm bug).
func startCntlm(t *testing.T, parent, user, domain, pw string) *cntlmProc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	conf := filepath.Join(t.TempDir(), "cntlm.conf")
	body := fmt.Sprintf("Username %s\nDomain %s\nPassword %s\nAuth NTLMv2\nProxy %s\nListen %s\n", user, domain, pw, parent, addr)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/sbin/cntlm", "-f", "-c", conf)
	// cntlm logs every request in the foreground; keep that out of the
	// report (it costs cntlm little: a write to /dev/null).
	cmd.Stderr, cmd.Stdout = nil, nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return &cntlmProc{addr: addr, cmd: cmd}
		}
	}
	t.Fatalf("cntlm did not listen on %s", addr)
	return nil
}

// cpuTime is a process's user+system CPU time from /proc (Linux).
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

func squidVersion() string {
	out, _ := exec.Command("/usr/sbin/squid", "-v").Output()
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}
