//go:build linux

package netwatch

import (
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// Out of descriptors, the interfaces cannot be read: that must not look
// like a network change (which flushes every pooled parent connection).
func TestInterfaceFingerprintUnreadableIsNotAChange(t *testing.T) {
	if _, ok := interfaceFingerprint(); !ok {
		t.Skip("interfaces cannot be read here at all")
	}
	var ok bool
	testenv.WithoutNewDescriptors(t, func() { _, ok = interfaceFingerprint() })
	if ok {
		t.Fatal("fingerprint reported ok with no descriptor left to read the interfaces")
	}
}
