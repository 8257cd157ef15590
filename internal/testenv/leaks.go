package testenv

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// CheckLeaks fails t if goroutines or open files outlive the test. It must
// be called first so that its cleanup runs last, after the servers the test
// started have stopped. kept, when not nil, counts descriptors a pool keeps
// open on purpose (splice.PooledDescriptors), which are not leaks.
func CheckLeaks(t *testing.T, kept func() int) {
	t.Helper()
	if kept == nil {
		kept = func() int { return 0 }
	}
	g0, f0 := runtime.NumGoroutine(), OpenFiles()-kept()
	t.Cleanup(func() {
		var g, f int
		for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			g, f = runtime.NumGoroutine(), OpenFiles()-kept()
			if g <= g0 && (f0 < 0 || f <= f0) {
				return
			}
		}
		buf := make([]byte, 1<<16)
		n := runtime.Stack(buf, true)
		t.Errorf("leak: goroutines %d -> %d, open files %d -> %d\n%s", g0, g, f0, f, buf[:n])
	})
}

// OpenFiles is the number of descriptors the process has open, or -1 where
// that cannot be told.
func OpenFiles() int {
	if runtime.GOOS == "windows" {
		// No /proc on Windows; under Wine /proc/self/fd is there but lists
		// Wine's own Unix descriptors, which come and go on their own.
		return -1
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}
