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
		"plain-HTTP download <= 0.8 ferry CPU-s per GB: not measured",
		"<= 40 MB resident with 1,000 idle tunnels: not measured",
		"new tunnel via ferry to the NTLM parent at 20 ms one-way, median <= 0.75x direct: not measured",
		"NTLM logons per new tunnel via ferry <= 1.00 (today's), at every delay and mode: not measured",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("verdicts lack %q:\n%s", want, got)
		}
	}
}

// A tunnel-setup run where ferry took more than one NTLM logon per tunnel
// at some delay fails the logons goal, whatever the other rows say.
func TestTargetsLogonsPerTunnel(t *testing.T) {
	r := &report{setupLogons: map[string]float64{
		"ferry (NTLM)/sequential/0s":      1,
		"ferry (NTLM)/bursts of 8/20ms":   1.05,
		"cntlm (NTLM)/sequential/20ms":    2,
		"ferry (Kerberos)/sequential/0s":  1,
		"ferry (Kerberos)/bursts of 8/0s": 1,
	}}
	r.targets()
	got := strings.Join(r.verdicts, "\n")
	want := "NTLM logons per new tunnel via ferry <= 1.00 (today's), at every delay and mode: NOT met (at most 1.05)"
	if !strings.Contains(got, want) {
		t.Errorf("verdicts lack %q:\n%s", want, got)
	}
	r = &report{setupLogons: map[string]float64{"ferry (NTLM)/sequential/0s": 1, "cntlm (NTLM)/sequential/0s": 2}}
	r.targets()
	if got, want := strings.Join(r.verdicts, "\n"), "at every delay and mode: met (at most 1.00)"; !strings.Contains(got, want) {
		t.Errorf("verdicts lack %q:\n%s", want, got)
	}
}

// The percentiles are by nearest rank: with 10 values 1..10 the median is
// the 5th and the p90 the 9th; one value is every percentile.
func TestPercentileNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 10; i >= 1; i-- {
		ds = append(ds, time.Duration(i))
	}
	for _, c := range []struct {
		p    int
		want time.Duration
	}{{50, 5}, {90, 9}, {100, 10}, {1, 1}} {
		if got := percentile(ds, c.p); got != c.want {
			t.Errorf("p%d of 1..10 = %d, want %d", c.p, got, c.want)
		}
	}
	if got := percentile(ds[:1], 90); got != 10 {
		t.Errorf("p90 of one value 10 = %d", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("median of nothing = %d, want 0", got)
	}
}

// The plain-HTTP download goal (issue 16) reads ferry's median CPU per GB.
func TestTargetsPlainHTTPCPUPerGB(t *testing.T) {
	for _, c := range []struct {
		cpu  float64
		want string
	}{{0.45, "met (0.45)"}, {2.63, "NOT met (2.63)"}} {
		r := &report{cpuPerGB: map[string]float64{"plain HTTP/ferry": c.cpu, "plain HTTP/ferry B": 0.1}}
		r.targets()
		if got, want := strings.Join(r.verdicts, "\n"), "plain-HTTP download <= 0.8 ferry CPU-s per GB: "+c.want; !strings.Contains(got, want) {
			t.Errorf("verdicts lack %q:\n%s", want, got)
		}
	}
}
