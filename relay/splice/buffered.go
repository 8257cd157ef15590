package splice

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// smallBuf is what a quiet tunnel direction waits with.
const smallBuf = 2 << 10

// bufPool holds the 32 KB buffers a busy direction borrows.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyBuffered copies src to dst. It waits for data with a small buffer
// and borrows a pooled 32 KB one only while reads fill the small one, so a
// thousand idle tunnels do not hold 64 MB of buffers. With act, a read
// that times out ends the copy only if the other direction was idle too.
func copyBuffered(dst io.Writer, src io.Reader, act *activity) error {
	var dl interface{ SetReadDeadline(time.Time) error }
	if act != nil {
		dl, _ = src.(interface{ SetReadDeadline(time.Time) error })
	}
	small := make([]byte, smallBuf)
	buf := small
	var big *[]byte
	defer func() {
		if big != nil {
			bufPool.Put(big)
		}
	}()
	for {
		if dl != nil {
			_ = dl.SetReadDeadline(time.Now().Add(act.idle))
		}
		n, err := src.Read(buf)
		if n > 0 {
			if act != nil {
				act.touch()
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		switch {
		case n == len(buf) && big == nil: // more is coming: read big
			big = bufPool.Get().(*[]byte)
			buf = *big
		case n < len(buf) && big != nil: // caught up: wait small
			bufPool.Put(big)
			big, buf = nil, small
		}
		var ne net.Error
		if dl != nil && errors.As(err, &ne) && ne.Timeout() {
			if !act.idleFor() {
				continue
			}
			return errTunnelIdle
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
