//go:build unix

package neterr

import "syscall"

var osErrnos = []osErrno{
	{syscall.ECONNREFUSED, "refused"},
	{syscall.ECONNRESET, "reset"},
	{syscall.ECONNABORTED, "reset"},
	{syscall.EPIPE, "broken pipe"},
	{syscall.ENETUNREACH, "net unreachable"},
	{syscall.ENETDOWN, "net unreachable"},
	{syscall.EHOSTUNREACH, "host unreachable"},
	{syscall.EHOSTDOWN, "host unreachable"},
	{syscall.ETIMEDOUT, "timeout"},
}
