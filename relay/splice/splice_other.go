//go:build !linux

package splice

import "net"

// spliceConns is Linux only; elsewhere copyConn copies through a buffer.
func spliceConns(dst, src *net.TCPConn, act *activity) error { return errNoSplice }

// PooledDescriptors is zero: only Linux keeps pipes for splice(2).
func PooledDescriptors() int { return 0 }
