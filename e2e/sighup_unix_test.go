//go:build !windows

package e2e

import (
	"syscall"
	"testing"
)

// sighup asks ferry to reload its config, as an administrator would.
func sighup(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}
