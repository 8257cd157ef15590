//go:build linux

package testenv

import (
	"syscall"
	"testing"
)

// WithoutNewDescriptors runs f with the open-file limit at 3 (0, 1 and 2
// are taken), so that nothing in the process can open a descriptor until
// f returns. It skips t where the limit cannot be changed.
func WithoutNewDescriptors(t *testing.T, f func()) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skip(err)
	}
	low := lim
	low.Cur = 3
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skip(err)
	}
	defer func() {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			t.Fatal(err)
		}
	}()
	f()
}
