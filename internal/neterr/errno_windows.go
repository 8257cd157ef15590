package neterr

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// Windows reports Winsock numbers (WSAE*, 10000 and up) from socket calls
// and Win32 numbers (ERROR_*) from overlapped I/O completions, where
// NTSTATUS codes such as STATUS_CONNECTION_REFUSED are translated to
// ERROR_CONNECTION_REFUSED (1225) rather than WSAECONNREFUSED (10061). Go's
// syscall.ECONNREFUSED and friends are numbers Go invented for Windows: the
// network never returns them, but code that makes up an error (a test's
// fake dialer) does, so they are listed too.
// https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2
var (
	refused = []syscall.Errno{windows.WSAECONNREFUSED, windows.ERROR_CONNECTION_REFUSED, syscall.ECONNREFUSED}
	// ERROR_NETNAME_DELETED (64) is how an overlapped read on a socket the
	// peer reset completes.
	reset = []syscall.Errno{windows.WSAECONNRESET, windows.WSAECONNABORTED, windows.WSAENETRESET,
		windows.ERROR_NETNAME_DELETED, windows.ERROR_CONNECTION_ABORTED, syscall.ECONNRESET, syscall.ECONNABORTED}
	// Winsock has no EPIPE: a send after the connection was shut down is
	// WSAESHUTDOWN; after a reset it is WSAECONNRESET or WSAECONNABORTED.
	brokenPipe      = []syscall.Errno{windows.WSAESHUTDOWN, windows.ERROR_BROKEN_PIPE, windows.ERROR_NO_DATA, syscall.EPIPE}
	netUnreachable  = []syscall.Errno{windows.WSAENETUNREACH, windows.WSAENETDOWN, windows.ERROR_NETWORK_UNREACHABLE, syscall.ENETUNREACH}
	hostUnreachable = []syscall.Errno{windows.WSAEHOSTUNREACH, windows.WSAEHOSTDOWN, windows.ERROR_HOST_UNREACHABLE, syscall.EHOSTUNREACH}
	timedOut        = []syscall.Errno{windows.WSAETIMEDOUT, windows.ERROR_SEM_TIMEOUT, syscall.ETIMEDOUT}
)
