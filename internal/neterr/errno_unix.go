//go:build unix

package neterr

import "syscall"

// The POSIX numbers, as Linux, macOS and the BSDs report them.
var (
	refused = []syscall.Errno{syscall.ECONNREFUSED}
	// ECONNABORTED: the local stack gave up on an established connection
	// (BSD's name for a reset seen while accepting or writing).
	reset           = []syscall.Errno{syscall.ECONNRESET, syscall.ECONNABORTED}
	brokenPipe      = []syscall.Errno{syscall.EPIPE}
	netUnreachable  = []syscall.Errno{syscall.ENETUNREACH, syscall.ENETDOWN}
	hostUnreachable = []syscall.Errno{syscall.EHOSTUNREACH, syscall.EHOSTDOWN}
	timedOut        = []syscall.Errno{syscall.ETIMEDOUT}
)
