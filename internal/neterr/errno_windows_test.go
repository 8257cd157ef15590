package neterr

import "golang.org/x/sys/windows"

// Before this package, errors.Is(err, syscall.ECONNREFUSED) was false for
// WSAECONNREFUSED, so a refused parent was reported as a generic failure on
// Windows.
var osErrnos = []osErrno{
	{windows.WSAECONNREFUSED, "refused"},
	{windows.ERROR_CONNECTION_REFUSED, "refused"},
	{windows.WSAECONNRESET, "reset"},
	{windows.WSAECONNABORTED, "reset"},
	{windows.ERROR_NETNAME_DELETED, "reset"},
	{windows.WSAESHUTDOWN, "broken pipe"},
	{windows.WSAENETUNREACH, "net unreachable"},
	{windows.WSAEHOSTUNREACH, "host unreachable"},
	{windows.WSAETIMEDOUT, "timeout"},
}
