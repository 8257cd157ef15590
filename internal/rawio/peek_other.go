//go:build !unix && !windows

package rawio

import "net"

// PeekIdle cannot look at the socket without blocking here; a closed
// pooled connection is caught by the stale-connection retry instead.
func PeekIdle(net.Conn) bool { return true }
