//go:build linux

package relay

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// spliceConns copies src to dst through a kernel pipe with splice(2). It
// holds the pipe only while bytes move: when src has nothing to read, the
// pipe goes back to a small pool. io.Copy's own splice keeps a pipe (two
// descriptors) per direction for as long as it waits, so each idle tunnel
// cost six descriptors instead of two, and a 20,000-descriptor limit ran
// out at 3,300 tunnels. With act, silence longer than act.idle in both
// directions ends the copy with errTunnelIdle.
func spliceConns(dst, src *net.TCPConn, act *activity) error {
	srcRC, err := src.SyscallConn()
	if err != nil {
		return err
	}
	dstRC, err := dst.SyscallConn()
	if err != nil {
		return err
	}
	var p *kpipe
	defer func() { p.release() }()
	for {
		if act != nil {
			_ = src.SetReadDeadline(time.Now().Add(act.idle))
		}
		var n int
		var serr error
		rerr := srcRC.Read(func(fd uintptr) bool {
			if p == nil {
				if p, serr = getPipe(); serr != nil {
					return true // out of descriptors: copy this burst through a buffer
				}
			}
			n, serr = retryEINTR(func() (int, error) {
				return rawSplice(int(fd), p.w, p.size)
			})
			if serr == unix.EAGAIN {
				// Nothing to read: wait holding nothing but the socket.
				p.release()
				p = nil
				return false
			}
			return true
		})
		if rerr != nil {
			if act != nil && errors.Is(rerr, os.ErrDeadlineExceeded) {
				if !act.idleFor() {
					continue
				}
				return errTunnelIdle
			}
			return rerr
		}
		if p == nil && serr != nil {
			if err := copyBurst(dst, src); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			continue
		}
		if serr == unix.EINVAL || serr == unix.ENOSYS || serr == unix.EOPNOTSUPP {
			// This socket cannot be spliced from (a kernel or socket type
			// without it); nothing was taken from it, so a buffer goes on.
			return errNoSplice
		}
		if serr != nil {
			return os.NewSyscallError("splice", serr)
		}
		if n == 0 {
			return nil // EOF
		}
		if act != nil {
			act.touch()
		}
		p.data = n
		if err := p.drainTo(dstRC); err != nil {
			return err
		}
	}
}

// copyBurst moves what src has now through a buffer, for when no pipe can
// be had.
func copyBurst(dst, src *net.TCPConn) error {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	n, err := src.Read(*bp)
	if n > 0 {
		if _, werr := dst.Write((*bp)[:n]); werr != nil {
			return werr
		}
	}
	return err
}

// drainTo moves everything in the pipe to the socket behind rc.
func (p *kpipe) drainTo(rc interface {
	Write(func(fd uintptr) bool) error
}) error {
	for p.data > 0 {
		var m int
		var werr error
		err := rc.Write(func(fd uintptr) bool {
			m, werr = retryEINTR(func() (int, error) {
				return rawSplice(p.r, int(fd), p.data)
			})
			return werr != unix.EAGAIN
		})
		if err == nil && werr != nil {
			err = os.NewSyscallError("splice", werr)
		}
		if err == nil && m == 0 {
			err = io.ErrShortWrite
		}
		if err != nil {
			return err
		}
		p.data -= m
	}
	return nil
}

// rawSplice is splice(2) without the scheduler's syscall bookkeeping.
// Both ends are non-blocking, so the call never waits; with the
// bookkeeping every burst after a quiet moment woke the runtime's sysmon
// thread, a futex wake and two context switches that cost ferry about a
// fifth of its CPU on a busy tunnel.
func rawSplice(rfd, wfd, n int) (int, error) {
	r, _, e := unix.RawSyscall6(unix.SYS_SPLICE, uintptr(rfd), 0, uintptr(wfd), 0, uintptr(n), unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func retryEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return n, err
		}
	}
}

// kpipe is a kernel pipe used to splice one burst of bytes.
type kpipe struct {
	r, w int
	size int // capacity: a burst never exceeds it, so a fill never blocks on the pipe
	data int // bytes in the pipe now
}

// pipePool keeps a few empty pipes for the next burst; tunnels that are
// busy at the same moment need one each, idle ones none.
var pipePool struct {
	mu   sync.Mutex
	free []*kpipe
}

const maxFreePipes = 16

func getPipe() (*kpipe, error) {
	pipePool.mu.Lock()
	if n := len(pipePool.free); n > 0 {
		p := pipePool.free[n-1]
		pipePool.free = pipePool.free[:n-1]
		pipePool.mu.Unlock()
		return p, nil
	}
	pipePool.mu.Unlock()
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, err
	}
	p := &kpipe{r: fds[0], w: fds[1], size: 64 << 10}
	// A bigger pipe moves more per call; the default (64 KB) stays when
	// the system refuses (fs.pipe-max-size, or the user's pipe quota).
	_, _ = unix.FcntlInt(uintptr(p.w), unix.F_SETPIPE_SZ, 1<<20)
	if size, err := unix.FcntlInt(uintptr(p.w), unix.F_GETPIPE_SZ, 0); err == nil && size > 0 {
		p.size = size
	}
	return p, nil
}

// release pools an empty pipe, or closes it.
func (p *kpipe) release() {
	if p == nil {
		return
	}
	if p.data == 0 {
		pipePool.mu.Lock()
		if len(pipePool.free) < maxFreePipes {
			pipePool.free = append(pipePool.free, p)
			pipePool.mu.Unlock()
			return
		}
		pipePool.mu.Unlock()
	}
	unix.Close(p.r)
	unix.Close(p.w)
}
