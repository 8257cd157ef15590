//go:build !unix

package bench

import "testing"

// tunnelCap keeps n: elsewhere there is no RLIMIT_NOFILE to respect (the
// benchmark drives Linux peers and does not run there anyway).
func tunnelCap(t *testing.T, n int) int { return n }

// raiseFileLimit does nothing where there is no RLIMIT_NOFILE.
func raiseFileLimit(t *testing.T, n uint64) {}
