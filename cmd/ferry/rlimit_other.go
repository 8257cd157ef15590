//go:build !unix

package main

import "log/slog"

// raiseFileLimit has nothing to do where handles are not limited per process
// the Unix way.
func raiseFileLimit(*slog.Logger) {}
