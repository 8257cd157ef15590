//go:build unix

package rawio

import (
	"net"
	"syscall"
)

// PeekIdle asks the kernel, without blocking, whether an idle connection
// has data or EOF waiting. A read deadline in the past cannot do this: Go
// reports the timeout without reading at all.
func PeekIdle(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	alive := true
	var buf [1]byte
	_ = rc.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case n > 0: // unasked data: not a clean idle connection
			alive = false
		case n == 0 && err == nil: // EOF
			alive = false
		case err == syscall.EAGAIN:
		default:
			alive = false
		}
		return true
	})
	return alive
}
