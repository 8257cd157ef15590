package main

import (
	"log/slog"
	"os"
	"runtime"
)

// goProcs is what Go chose at start (the usable cores, within any cgroup
// limit), so that limitProcs halves it once however often it runs.
var goProcs = runtime.GOMAXPROCS(0)

// limitProcs lets the relay run on half the cores Go would use (at least
// one), unless GOMAXPROCS says otherwise. ferry sits beside the apps it
// serves and should leave them room; and with a P per core, Go's scheduler
// spends CPU waking threads to look for work: on two cores, back-to-back
// bench runs measured 10 to 30 % less CPU per request with one P than with
// two, for as many requests per second (docs/performance.md).
func limitProcs(logger *slog.Logger) {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	n := max(1, goProcs/2)
	runtime.GOMAXPROCS(n)
	logger.Debug("threads running Go code", "GOMAXPROCS", n)
}
