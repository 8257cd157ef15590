package doctor

import (
	"errors"
	"syscall"
)

// isRefused reports a TCP reset in answer to the SYN. syscall.ECONNREFUSED
// is defined on every platform Go supports, Windows included (WSAECONNREFUSED
// maps to it).
func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
