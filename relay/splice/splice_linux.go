//go:build linux

package splice

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
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
	sp := newSplicer()
	defer func() { sp.p.release() }()
	for {
		if act != nil {
			_ = src.SetReadDeadline(time.Now().Add(act.idle))
		}
		sp.n, sp.err = 0, nil
		rerr := srcRC.Read(sp.fillFn)
		if rerr != nil {
			if act != nil && errors.Is(rerr, os.ErrDeadlineExceeded) {
				if !act.idleFor() {
					continue
				}
				return errTunnelIdle
			}
			return rerr
		}
		if sp.p == nil && sp.err != nil {
			if err := copyBurst(dst, src); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			continue
		}
		if serr := sp.err; serr == unix.EINVAL || serr == unix.ENOSYS || serr == unix.EOPNOTSUPP {
			// This socket cannot be spliced from (a kernel or socket type
			// without it); nothing was taken from it, so a buffer goes on.
			return errNoSplice
		}
		if sp.err != nil {
			return os.NewSyscallError("splice", sp.err)
		}
		if sp.n == 0 {
			return nil // EOF
		}
		if act != nil {
			act.touch()
		}
		sp.p.data = sp.n
		if err := sp.drainTo(dstRC); err != nil {
			return err
		}
	}
}

// splicer is one direction of a spliced tunnel: the pipe it holds during a
// burst, and the outcome of its last splice call.
type splicer struct {
	p   *kpipe
	n   int
	err error
	// limit, when above zero, caps what one fill takes: a response body
	// must not take the bytes of the next response from the socket.
	limit int
	// Bound once: a closure handed to RawConn escapes, and one per burst
	// was an allocation per burst.
	fillFn, drainFn func(uintptr) bool
}

func newSplicer() *splicer {
	sp := &splicer{}
	sp.fillFn, sp.drainFn = sp.fill, sp.drain
	return sp
}

// drainTo moves everything in the pipe to the socket behind rc.
func (sp *splicer) drainTo(rc syscall.RawConn) error {
	for sp.p.data > 0 {
		sp.n, sp.err = 0, nil
		err := rc.Write(sp.drainFn)
		if err == nil && sp.err != nil {
			err = os.NewSyscallError("splice", sp.err)
		}
		if err == nil && sp.n == 0 {
			err = io.ErrShortWrite
		}
		if err != nil {
			return err
		}
		sp.p.data -= sp.n
	}
	return nil
}

// fill splices what the socket holds into a pipe; false waits for more.
func (sp *splicer) fill(fd uintptr) bool {
	if sp.p == nil {
		var err error
		if sp.p, err = getPipe(); err != nil {
			sp.err = err
			return true // out of descriptors: copy this burst through a buffer
		}
	}
	want := sp.p.size
	if sp.limit > 0 && sp.limit < want {
		want = sp.limit
	}
	sp.n, sp.err = rawSplice(int(fd), sp.p.w, want)
	if sp.err == unix.EAGAIN {
		// Nothing to read: wait holding nothing but the socket.
		sp.p.release()
		sp.p = nil
		return false
	}
	return true
}

// drain splices from the pipe to the socket; false waits for room.
func (sp *splicer) drain(fd uintptr) bool {
	sp.n, sp.err = rawSplice(sp.p.r, int(fd), sp.p.data)
	return sp.err != unix.EAGAIN
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

// rawSplice is splice(2) without the scheduler's syscall bookkeeping.
// Both ends are non-blocking, so the call never waits; with the
// bookkeeping every burst after a quiet moment woke the runtime's sysmon
// thread, a futex wake and two context switches that cost ferry about a
// fifth of its CPU on a busy tunnel.
func rawSplice(rfd, wfd, n int) (int, error) {
	for {
		r, _, e := unix.RawSyscall6(unix.SYS_SPLICE, uintptr(rfd), 0, uintptr(wfd), 0, uintptr(n), unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(r), nil
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

// PooledDescriptors is the number of descriptors the pipe pool keeps open
// on purpose for the next burst, so that leak checks can leave them out.
func PooledDescriptors() int {
	pipePool.mu.Lock()
	defer pipePool.mu.Unlock()
	return 2 * len(pipePool.free)
}

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
