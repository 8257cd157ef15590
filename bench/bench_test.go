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
// FERRY_BENCH_SECONDS sets each measurement's length (default 5);
// FERRY_BENCH_SETUP_TUNNELS the tunnels timed per path, delay and mode in
// the tunnel-setup scenario (default 120), FERRY_BENCH_SETUP_PAUSE_MS the
// pause after each of its bursts (default 250).
func TestBench(t *testing.T) {
	if os.Getenv("FERRY_BENCH") == "" {
		t.Skip("benchmarks run only with FERRY_BENCH=1 (make bench)")
	}
	testenv.Require(t, "cntlm", "/usr/sbin/cntlm")
	raiseFileLimit(t, 200_000)
	dur := time.Duration(envInt("FERRY_BENCH_SECONDS", 5)) * time.Second
	downloadMB := int64(envInt("FERRY_BENCH_DOWNLOAD_MB", 1024))
	tunnelCounts := []int{1000, tunnelCap(t, envInt("FERRY_BENCH_TUNNELS", 10000))}
	const user, pw = "benchuser", "Bench-pw 1!"
	o := testenv.StartOrigin(t)
	originHostport := strings.TrimPrefix(o.URL, "http://")
	_, originPort, _ := net.SplitHostPort(originHostport)
	httpPort, _ := strconv.Atoi(originPort)
	sink := startSink(t)
	_, sinkPort, _ := net.SplitHostPort(sink)
	tunnelPort, _ := strconv.Atoi(sinkPort)
	v := testenv.StartNTLMVerifier(t, map[string]string{user: pw})
	big := "max_filedescriptors 65536\n"
	ntlmSquid := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNTLM, NTLM: v, SSLPorts: []int{o.TLSPort, httpPort, tunnelPort}, Extra: big})
	openSquid := testenv.StartSquid(t, testenv.SquidOptions{SSLPorts: []int{o.TLSPort, httpPort, tunnelPort}, Extra: big})

	const limits = "[limits]\nmax_connections = 100000\n"
	f := startNTLMFerry(t, ntlmSquid.Addr, user, v.Domain, pw, limits)
	cntlm := testenv.StartCntlm(t, ntlmSquid.Addr, user, v.Domain, pw)

	relays := []relayUnderTest{
		{"direct", openSquid.Addr, 0, squidPid(openSquid)},
		{"ferry", f.Addr, f.Pid(), squidPid(ntlmSquid)},
		{"cntlm", cntlm.Addr, cntlm.Pid(), squidPid(ntlmSquid)},
	}
	relays = withBaseline(t, relays, ferryConfig(ntlmSquid.Addr, user, v.Domain, limits), "FERRY_PASSWORD="+pw)
	var rep report
	// FERRY_BENCH_ONLY=rates,downloads,goparent,setup,tunnels runs a part of
	// it (downloads include goparent).
	only := os.Getenv("FERRY_BENCH_ONLY")
	part := func(name string) bool { return only == "" || strings.Contains(only, name) }
	if part("rates") {
		rep.requestRates(t, relays, ntlmSquid, o.URL+"/bytes?n=512", dur)
	}
	if part("downloads") {
		rep.downloads(t, relays, originHostport, downloadMB<<20)
	}
	if part("downloads") || part("goparent") {
		rep.goParentDownloads(t, originHostport, downloadMB<<20)
	}
	// FERRY_BENCH_ONLY=setup: tunnel setup with the parents at a distance
	// (issue 16), through relays of its own behind latency forwarders.
	if part("setup") {
		paths, delays := startSetupPaths(t, openSquid, v, user, pw, []int{o.TLSPort, httpPort, tunnelPort})
		rep.tunnelSetup(t, paths, delays, sink, newSetupPlan())
	}
	// Tunnels last: they take squid to its descriptor limit, and squid,
	// short of descriptors, stops keeping connections alive for a while,
	// which would make every later request a new NTLM logon.
	if part("tunnels") {
		rep.idleTunnels(t, relays[1:], sink, tunnelCounts)
	}
	rep.targets()
	t.Logf("squid %s, %s per rate measurement\n\n%s", squidVersion(), dur, rep.markdown())
	if dir := os.Getenv("FERRY_BENCH_OUT"); dir != "" {
		if err := rep.write(dir); err != nil {
			t.Error(err)
		}
	}
}

// startNTLMFerry runs ferry logging on to parent with NTLM; extra is
// appended to its configuration.
func startNTLMFerry(t *testing.T, parent, user, domain, pw, extra string) *testenv.Ferry {
	t.Helper()
	return testenv.StartFerry(t, ferryConfig(parent, user, domain, extra), "FERRY_PASSWORD="+pw)
}

type relayUnderTest struct {
	name, addr string
	pid        int // the relay's; 0 for direct
	parentPid  int // the squid it talks to
}

// squidPid reads a test squid's pid file (0 if it cannot).
func squidPid(sq *testenv.Squid) int {
	b, err := os.ReadFile(filepath.Join(sq.Dir, "squid.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
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
