//go:build !linux

package splice

import (
	"io"
	"net"
	"time"
)

// BodySupported reports whether Body moves bytes in the kernel; elsewhere
// than Linux it copies through a buffer, and callers keep their own path.
const BodySupported = false

// Body copies n bytes (n < 0: until src ends) from src to dst through a
// buffer: there is no splice(2) here. See the Linux Body.
func Body(dst, src *net.TCPConn, n int64, idle time.Duration) (int64, error) {
	total, err := copyBody(dst, src, n, &idleDeadline{src: src, idle: idle}, false)
	if err == io.EOF {
		err = nil
	}
	return total, err
}
