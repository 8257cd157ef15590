package auth

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// sspiStatusNames are the SECURITY_STATUS values single sign-on meets most,
// https://learn.microsoft.com/en-us/windows/win32/secauthn/acquirecredentialshandle--general
var sspiStatusNames = map[uint32]string{
	0x80090301: "SEC_E_INVALID_HANDLE",
	0x80090303: "SEC_E_TARGET_UNKNOWN",
	0x80090304: "SEC_E_INTERNAL_ERROR",
	0x80090305: "SEC_E_SECPKG_NOT_FOUND",
	0x8009030C: "SEC_E_LOGON_DENIED",
	0x8009030D: "SEC_E_UNKNOWN_CREDENTIALS",
	0x8009030E: "SEC_E_NO_CREDENTIALS",
	0x80090311: "SEC_E_NO_AUTHENTICATING_AUTHORITY",
	0x80090322: "SEC_E_WRONG_PRINCIPAL",
}

// sspiErrorText describes an SSPI failure with its status in hex, as
// Microsoft's documentation and every search result write it. Go prints a
// syscall.Errno the system has no message for in decimal ("winapi error
// #2148074241"), which matches nothing anyone can look up.
func sspiErrorText(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	code := uint32(errno)
	s := fmt.Sprintf("SSPI status 0x%08X", code)
	if name := sspiStatusNames[code]; name != "" {
		s += " (" + name + ")"
	}
	// The system's own text, when it has one.
	if text := errno.Error(); !strings.Contains(text, "error #") && !strings.HasPrefix(text, "errno ") {
		s += ": " + text
	}
	return s
}
