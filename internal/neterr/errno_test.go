//go:build unix || windows

package neterr

import (
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
)

// osErrnos are numbers each OS reports for failures a loopback test cannot
// provoke (no route, no host); errno_unix_test.go and errno_windows_test.go
// list them.
type osErrno struct {
	errno syscall.Errno
	want  string
}

func TestOSErrnosAreClassified(t *testing.T) {
	for _, c := range osErrnos {
		// Wrapped the way net returns them: *net.OpError around
		// *os.SyscallError around the number.
		err := fmt.Errorf("dial parent: %w", &net.OpError{Op: "dial", Net: "tcp",
			Err: os.NewSyscallError("connect", c.errno)})
		got := map[string]bool{
			"refused":          IsRefused(err),
			"reset":            IsReset(err),
			"broken pipe":      IsBrokenPipe(err),
			"net unreachable":  IsNetworkUnreachable(err),
			"host unreachable": IsHostUnreachable(err),
			"timeout":          IsTimeout(err),
		}
		for kind, is := range got {
			if is != (kind == c.want) {
				t.Errorf("errno %d (%v): %s = %v, want %s only", uintptr(c.errno), c.errno, kind, is, c.want)
			}
		}
	}
}
