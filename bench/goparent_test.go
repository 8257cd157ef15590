package bench

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// goParentDownloads measures plain-HTTP downloads through ferry (and
// "ferry B", with FERRY_BENCH_AB) whose parent is the Go origin itself,
// answering absolute-form GETs: a parent that sends in large writes.
// squid 5.7 sends a plain-HTTP body in writes of 4 KB, and what ferry
// then spends per GB is mostly the kernel's per-segment work, which a
// relay cannot avoid; with large writes it is what ferry itself does per
// byte (issue 16: splicing instead of copying through user space).
func (r *report) goParentDownloads(t *testing.T, origin string, n int64) {
	config := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n", origin)
	f := testenv.StartFerry(t, config)
	relays := []relayUnderTest{{"ferry", f.Addr, f.Pid(), 0}}
	if bin := os.Getenv(abEnv); bin != "" {
		addr, pid := startBinaryFerry(t, bin, config)
		relays = append(relays, relayUnderTest{"ferry B", addr, pid, 0})
	}
	rounds := envInt("FERRY_BENCH_ROUNDS", 3)
	runs := map[string][][2]float64{} // speed, CPU per GB
	for range rounds {
		for _, rl := range relays {
			cpu0 := cpuTime(rl.pid)
			d, err := Download(rl.addr, origin, n, false)
			if err != nil {
				t.Errorf("plain HTTP download from the Go parent via %s: %v", rl.name, err)
				continue
			}
			runs[rl.name] = append(runs[rl.name], [2]float64{float64(n) / (1 << 20) / d.Seconds(), (cpuTime(rl.pid) - cpu0).Seconds() / (float64(n) / (1 << 30))})
		}
	}
	header := []string{"relay", "MB/s", "MB/s range", "relay CPU s per GB", "CPU s per GB range"}
	for _, rl := range relays {
		ms := runs[rl.name]
		if len(ms) == 0 {
			continue
		}
		sp, cpu := make([]float64, len(ms)), make([]float64, len(ms))
		for i, m := range ms {
			sp[i], cpu[i] = m[0], m[1]
		}
		slices.SortFunc(sp, cmp.Compare)
		slices.SortFunc(cpu, cmp.Compare)
		r.add(fmt.Sprintf("Plain-HTTP download of %d MB from a Go parent", n>>20), header, []string{rl.name,
			fmt.Sprintf("%.0f", sp[len(sp)/2]), fmt.Sprintf("%.0f-%.0f", sp[0], sp[len(sp)-1]),
			fmt.Sprintf("%.2f", cpu[len(cpu)/2]), fmt.Sprintf("%.2f-%.2f", cpu[0], cpu[len(cpu)-1])})
	}
}
