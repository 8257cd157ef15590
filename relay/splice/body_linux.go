//go:build linux

package splice

import (
	"io"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// BodySupported reports whether Body moves bytes in the kernel (splice(2)
// on Linux), so that a caller may hand it a body it would otherwise copy
// itself.
const BodySupported = true

// Body moves n bytes (n < 0: everything until src ends) from src to dst
// through a kernel pipe with splice(2), as tunnels do, and returns how many
// it moved. It never reads past the n-th byte: what follows on src is the
// next response. Each burst goes out as soon as it arrives, so a trickling
// body reaches dst as it comes. With idle > 0, src silent for longer than
// idle ends the copy with the read's timeout error. src ending before n
// bytes is io.ErrUnexpectedEOF (the error net/http's body reader gives); a
// socket splice(2) refuses, or no pipe to be had, is copied through a
// buffer instead.
//
// Bytes already read from src into a buffer are the caller's to write
// first: Body sees only the socket.
func Body(dst, src *net.TCPConn, n int64, idle time.Duration) (int64, error) {
	dl := &idleDeadline{src: src, idle: idle}
	srcRC, err := src.SyscallConn()
	if err != nil {
		return 0, err
	}
	dstRC, err := dst.SyscallConn()
	if err != nil {
		return 0, err
	}
	sp := newSplicer()
	defer func() { sp.p.release() }()
	var total int64
	for n < 0 || total < n {
		dl.renew()
		sp.limit = 0
		if n >= 0 {
			sp.limit = int(min(n-total, 1<<30))
		}
		sp.n, sp.err = 0, nil
		if err := srcRC.Read(sp.fillFn); err != nil {
			return total, err
		}
		if sp.p == nil && sp.err != nil {
			// Out of descriptors: this burst goes through a buffer.
			k, err := copyBody(dst, src, n-total, dl, true)
			total += k
			if err == io.EOF {
				return total, nil
			}
			if err != nil {
				return total, err
			}
			continue
		}
		if serr := sp.err; serr == unix.EINVAL || serr == unix.ENOSYS || serr == unix.EOPNOTSUPP {
			// Nothing was taken from src: the rest goes through a buffer.
			k, err := copyBody(dst, src, n-total, dl, false)
			if err == io.EOF {
				err = nil
			}
			return total + k, err
		}
		if sp.err != nil {
			return total, os.NewSyscallError("splice", sp.err)
		}
		if sp.n == 0 {
			if err := bodyEOF(total, n); err != io.EOF {
				return total, err
			}
			return total, nil
		}
		filled := sp.n
		sp.p.data = filled
		if err := sp.drainTo(dstRC); err != nil {
			return total, err
		}
		total += int64(filled)
	}
	return total, nil
}
