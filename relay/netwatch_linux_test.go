//go:build linux

package relay

import (
	"syscall"
	"testing"
)

// Out of descriptors, the interfaces cannot be read: that must not look
// like a network change (which flushes every pooled parent connection).
func TestInterfaceFingerprintUnreadableIsNotAChange(t *testing.T) {
	if _, ok := interfaceFingerprint(); !ok {
		t.Skip("interfaces cannot be read here at all")
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skip(err)
	}
	low := lim
	low.Cur = 3 // no new descriptor: 0, 1 and 2 are taken
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skip(err)
	}
	_, ok := interfaceFingerprint()
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Fatal("fingerprint reported ok with no descriptor left to read the interfaces")
	}
}
