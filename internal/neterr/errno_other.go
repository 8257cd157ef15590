//go:build !unix && !windows && !plan9

package neterr

import "syscall"

// Elsewhere (js, wasip1) ferry is not built; only deadlines classify.
var refused, reset, brokenPipe, netUnreachable, hostUnreachable, timedOut []syscall.Errno
