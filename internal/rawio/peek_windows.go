package rawio

import (
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// wsaPoll is ws2_32's WSAPoll: x/sys/windows does not wrap it.
var wsaPoll = windows.NewLazySystemDLL("ws2_32.dll").NewProc("WSAPoll")

// wsaPollFD is WSAPOLLFD.
type wsaPollFD struct {
	fd      windows.Handle
	events  int16
	revents int16
}

// The WSAPoll flags PeekIdle asks about and reads.
const (
	pollRdNorm = 0x0100
	pollErr    = 0x0001
	pollHup    = 0x0002
	pollNval   = 0x0004
)

// PeekIdle asks the socket, without blocking, whether an idle connection
// has data or EOF waiting: WSAPoll with a zero timeout reports it readable
// then. Go's own reads on Windows are overlapped and cannot be asked this
// without starting a read that would take the bytes; without the check a
// pooled connection or a spare the parent closed was used, and a request
// that met three of them failed. Where WSAPoll fails, it says alive: the
// stale-connection retry still covers a closed one.
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
	_ = rc.Control(func(fd uintptr) {
		if wsaPoll.Find() != nil {
			return
		}
		pfd := wsaPollFD{fd: windows.Handle(fd), events: pollRdNorm}
		n, _, _ := wsaPoll.Call(uintptr(unsafe.Pointer(&pfd)), 1, 0)
		if int32(n) > 0 && pfd.revents&(pollRdNorm|pollErr|pollHup|pollNval) != 0 {
			alive = false
		}
	})
	return alive
}
