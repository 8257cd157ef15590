//go:build !unix

package relay

import "net"

// peekIdle cannot look at the socket without blocking here; a closed
// pooled connection is caught by the stale-connection retry instead.
func peekIdle(net.Conn) bool { return true }
