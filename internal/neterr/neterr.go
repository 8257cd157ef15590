// Package neterr says what a network error means, the same way on every OS:
// refused, reset, broken pipe, unreachable, timed out. The relay, doctor and
// the SOCKS5 server ask it instead of comparing with syscall.ECONNREFUSED and
// friends, which match only on Unix: Windows reports its own Winsock numbers
// (WSAECONNREFUSED is 10061), and errors.Is(err, syscall.ECONNREFUSED) is
// false for them, so a refused parent looked like a generic failure there.
//
// The OS numbers live in errno_unix.go and errno_windows.go; this file is
// the seam. It does not decide what to tell the user: callers map a kind to
// their own cause and advice.
package neterr

import (
	"errors"
	"net"
	"os"
	"slices"
	"syscall"
)

// IsRefused reports a connection refused: a TCP reset in answer to the SYN
// (nothing listens on the port, or a firewall rejects it).
func IsRefused(err error) bool { return hasErrno(err, refused) }

// IsReset reports a connection the peer (or something between) reset or
// aborted after it was established.
func IsReset(err error) bool { return hasErrno(err, reset) }

// IsBrokenPipe reports a write to a connection the peer already closed.
func IsBrokenPipe(err error) bool { return hasErrno(err, brokenPipe) }

// IsNetworkUnreachable reports that no route leads to the peer's network.
func IsNetworkUnreachable(err error) bool { return hasErrno(err, netUnreachable) }

// IsHostUnreachable reports that the peer's host did not answer on its
// network (no ARP answer, an ICMP host unreachable).
func IsHostUnreachable(err error) bool { return hasErrno(err, hostUnreachable) }

// IsUnreachable is IsNetworkUnreachable or IsHostUnreachable.
func IsUnreachable(err error) bool { return IsNetworkUnreachable(err) || IsHostUnreachable(err) }

// IsTimeout reports a deadline that passed (ferry's own, or a context's) or
// the OS giving up on the peer. Windows' WSAETIMEDOUT is not a net.Error
// Timeout() in Go (syscall.Errno.Timeout knows only Go's invented ETIMEDOUT
// there), so the OS numbers are checked too.
func IsTimeout(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, os.ErrDeadlineExceeded) || hasErrno(err, timedOut)
}

// hasErrno reports whether err wraps one of the OS error numbers in set.
func hasErrno(err error, set []syscall.Errno) bool {
	var e syscall.Errno
	return errors.As(err, &e) && slices.Contains(set, e)
}
