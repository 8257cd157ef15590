//go:build !linux

package relay

import "net"

// spliceConns is Linux only; Elsewhere copyConn copies through a buffer.
func spliceConns(dst, src *net.TCPConn, act *activity) error { return errNoSplice }
