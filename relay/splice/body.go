package splice

import (
	"io"
	"net"
	"time"
)

// This file holds Body's part that is the same everywhere: a response body
// of n bytes (or up to the end of the connection) moved from a parent's
// socket to an app's, as one direction of a tunnel that stops at a count.

// idleDeadline renews src's read deadline to idle from now, at most a few
// times per idle period (once a second at most): a deadline change costs a
// timer update, and a gigabyte moves in thousands of bursts.
type idleDeadline struct {
	src  *net.TCPConn
	idle time.Duration
	set  time.Time
}

func (d *idleDeadline) renew() {
	if d.idle <= 0 {
		return
	}
	if now := time.Now(); now.Sub(d.set) > min(time.Second, d.idle/4) {
		d.set = now
		_ = d.src.SetReadDeadline(now.Add(d.idle))
	}
}

// copyBody copies n bytes (n < 0: to EOF) from src to dst through a pooled
// buffer, renewing the idle deadline before each read; burst stops it after
// one read that returned bytes (a burst while no pipe can be had).
func copyBody(dst, src *net.TCPConn, n int64, dl *idleDeadline, burst bool) (int64, error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	var total int64
	for n < 0 || total < n {
		p := buf
		if n >= 0 && n-total < int64(len(p)) {
			p = p[:n-total]
		}
		dl.renew()
		k, err := src.Read(p)
		if k > 0 {
			if _, werr := dst.Write(p[:k]); werr != nil {
				return total, werr
			}
			total += int64(k)
		}
		if err == io.EOF {
			return total, bodyEOF(total, n)
		}
		if err != nil {
			return total, err
		}
		if burst && k > 0 {
			break
		}
	}
	return total, nil
}

// bodyEOF is the outcome of src ending after total of n bytes: a body cut
// short is io.ErrUnexpectedEOF, as net/http's body reader reports it.
func bodyEOF(total, n int64) error {
	if n >= 0 && total < n {
		return io.ErrUnexpectedEOF
	}
	return io.EOF
}
