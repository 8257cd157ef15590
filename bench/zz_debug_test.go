package bench

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestZZStrace(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	o := testenv.StartOrigin(t)
	sq := testenv.StartSquid(t, testenv.SquidOptions{})
	f := testenv.StartFerry(t, fmt.Sprintf(`listen = ["127.0.0.1:0"]
parents = [%q]
`, sq.Addr), os.Getenv("ZZENV"))
	done := make(chan Result)
	go func() {
		res, _ := Load{Proxy: f.Addr, URL: o.URL + "/bytes?n=512", Conns: 50, Duration: 6 * time.Second}.Run()
		done <- res
	}()
	time.Sleep(time.Second)
	cpu0 := cpuTime(f.Pid())
	mode := os.Getenv("ZZ")
	var out []byte
	if mode == "strace" {
		out, _ = exec.Command("timeout", "-s", "INT", "3", "strace", "-c", "-f", "-p", strconv.Itoa(f.Pid())).CombinedOutput()
	} else if mode == "perf" {
		out, _ = exec.Command("perf", "record", "-g", "-o", "/tmp/perf.data", "-p", strconv.Itoa(f.Pid()), "--", "sleep", "3").CombinedOutput()
	}
	if mode == "plain" {
		time.Sleep(3 * time.Second)
	}
	cpu := cpuTime(f.Pid()) - cpu0
	res := <-done
	t.Logf("ferry CPU per request (approx, 3s window): %.1f µs", float64(cpu.Microseconds())/(res.RPS()*3))
	t.Logf("%s\nrequests %d in %s: %.0f/s; ferry cpu in window %s", out, res.Requests, res.Elapsed, res.RPS(), cpu)
}
