//go:build unix

package main

import (
	"log/slog"
	"syscall"
)

// raiseFileLimit lifts the soft open-file limit to the hard one: every
// tunnel holds two descriptors, and a build tool opens hundreds at once
// (the usual soft limit is 1024).
func raiseFileLimit(logger *slog.Logger) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return
	}
	if lim.Cur >= lim.Max {
		return
	}
	want := lim
	want.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
		logger.Debug("could not raise the open-file limit", "soft", lim.Cur, "hard", lim.Max, "err", err)
		return
	}
	logger.Debug("raised the open-file limit", "from", lim.Cur, "to", want.Cur)
}
