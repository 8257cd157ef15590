//go:build unix

package bench

import (
	"syscall"
	"testing"
)

// tunnelCap lowers a tunnel count to what the open-file limit allows: the
// relay and squid each hold two descriptors per tunnel.
func tunnelCap(t *testing.T, n int) int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return n
	}
	if most := int(lim.Cur-200) / 2 / 100 * 100; n > most {
		t.Logf("the open-file limit (%d) allows %d idle tunnels, not %d", lim.Cur, most, n)
		return most
	}
	return n
}

// raiseFileLimit lets this process (and ferry, cntlm, squid started by it)
// hold 10,000 tunnels: each costs a descriptor in the client, the relay
// (two), squid (two) and the sink.
func raiseFileLimit(t *testing.T, n uint64) {
	lim := syscall.Rlimit{Cur: n, Max: n}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Logf("cannot raise the open-file limit to %d (%v): large tunnel counts may fail", n, err)
	}
}
