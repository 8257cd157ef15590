//go:build linux

package rawio

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Split returns a reader and a writer for a TCP connection that make their
// read(2) and write(2) calls without the scheduler's syscall bookkeeping.
// Go's sockets are non-blocking, so neither call waits in the kernel; the
// waiting is still done by the poller, with the connection's deadlines.
// The bookkeeping woke the runtime's sysmon thread after every quiet moment
// and set it polling every 20 µs, which cost ferry close to a tenth of its
// CPU per request. Other connections are returned as they are.
func Split(nc net.Conn) (io.Reader, io.Writer) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nc, nc
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nc, nc
	}
	c := &rawConn{nc: nc, rc: rc}
	// Made once: a closure passed to RawConn escapes, and making one per
	// call cost several allocations per request.
	c.readFn = c.readOnce
	c.writeFn = c.writeSome
	return c, c
}

// rawConn holds the state of one read and one write in flight: a
// connection has one reader and one writer at a time.
type rawConn struct {
	nc net.Conn
	rc syscall.RawConn

	readFn func(uintptr) bool
	rbuf   []byte
	rn     int
	rerr   error

	writeFn func(uintptr) bool
	wbuf    []byte
	wdone   int
	werr    error
}

func (c *rawConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.rbuf, c.rn, c.rerr = p, 0, nil
	err := c.rc.Read(c.readFn)
	n, serr := c.rn, c.rerr
	c.rbuf = nil
	if err == nil && serr != nil {
		err = serr
	}
	if err != nil {
		return 0, c.opError("read", err)
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func (c *rawConn) readOnce(fd uintptr) bool {
	c.rn, c.rerr = rawRead(fd, c.rbuf)
	return c.rerr != unix.EAGAIN
}

func (c *rawConn) Write(p []byte) (int, error) {
	c.wbuf, c.wdone, c.werr = p, 0, nil
	err := c.rc.Write(c.writeFn)
	done, serr := c.wdone, c.werr
	c.wbuf = nil
	if err == nil && serr != nil {
		err = serr
	}
	if err != nil {
		return done, c.opError("write", err)
	}
	return done, nil
}

// writeSome writes what the socket takes now; false waits for room.
func (c *rawConn) writeSome(fd uintptr) bool {
	for c.wdone < len(c.wbuf) {
		n, err := rawWrite(fd, c.wbuf[c.wdone:])
		if n > 0 {
			c.wdone += n
		}
		if err == unix.EAGAIN {
			return false
		}
		if err != nil {
			c.werr = err
			return true
		}
	}
	return true
}

// opError wraps err as net's own reads and writes do, so that messages and
// errors.Is checks (deadlines, closed connections, resets) read the same.
func (c *rawConn) opError(op string, err error) error {
	if oe, ok := err.(*net.OpError); ok {
		err = oe.Err // RawConn's own wrapping, as "raw-read" or "raw-write"
	}
	if errno, ok := err.(syscall.Errno); ok {
		err = &os.SyscallError{Syscall: op, Err: errno}
	}
	return &net.OpError{Op: op, Net: c.nc.LocalAddr().Network(), Source: c.nc.LocalAddr(), Addr: c.nc.RemoteAddr(), Err: err}
}

func rawRead(fd uintptr, p []byte) (int, error)  { return rawRW(unix.SYS_READ, fd, p) }
func rawWrite(fd uintptr, p []byte) (int, error) { return rawRW(unix.SYS_WRITE, fd, p) }

// rawRW makes one read(2) or write(2) of a non-empty p.
func rawRW(trap, fd uintptr, p []byte) (int, error) {
	for {
		n, _, e := unix.RawSyscall(trap, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(n), nil
	}
}
