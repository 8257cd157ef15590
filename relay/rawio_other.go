//go:build !linux

package relay

import (
	"io"
	"net"
)

// rawIO is the connection itself where raw system calls are not used.
func rawIO(nc net.Conn) (io.Reader, io.Writer) { return nc, nc }
