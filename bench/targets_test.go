package bench

import (
	"strings"
	"testing"
	"time"
)

// A run that measured only the request rates (FERRY_BENCH_ONLY=rates) must
// not report the download and tunnel goals as met.
func TestTargetsNotMeasuredAreNotMet(t *testing.T) {
	r := &report{rates: map[string]Result{
		"ferry/50":  {Requests: 900, Elapsed: time.Second},
		"direct/50": {Requests: 1000, Elapsed: time.Second},
		"cntlm/50":  {Requests: 100, Elapsed: time.Second},
		"ferry/1":   {P99: time.Millisecond},
		"direct/1":  {P99: time.Millisecond},
	}}
	r.targets()
	got := strings.Join(r.verdicts, "\n")
	for _, want := range []string{
		"req/s at 50 connections >= 0.8x direct: met (0.90x)",
		"req/s at 50 connections >= 5x cntlm: met (9.00x)",
		"CONNECT throughput >= 0.9x direct: not measured",
		"<= 40 MB resident with 1,000 idle tunnels: not measured",
		"new tunnel via ferry to the NTLM parent at 20 ms one-way, median <= 0.75x direct: not measured",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("verdicts lack %q:\n%s", want, got)
		}
	}
}
