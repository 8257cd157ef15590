package auth

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
)

// TestSSPIErrorTextIsHex: SSPI statuses are documented and searched for in
// hex; ferry once printed 0x80090301 as 2148074241.
func TestSSPIErrorTextIsHex(t *testing.T) {
	err := fmt.Errorf("acquire: %w", syscall.Errno(0x80090301))
	got := sspiErrorText(err)
	if !strings.HasPrefix(got, "SSPI status 0x80090301 (SEC_E_INVALID_HANDLE)") || strings.Contains(got, "2148074241") {
		t.Errorf("sspiErrorText = %q, want it to start with SSPI status 0x80090301 (SEC_E_INVALID_HANDLE) and have no decimal", got)
	}
	if got := sspiErrorText(syscall.Errno(0x80091234)); !strings.HasPrefix(got, "SSPI status 0x80091234") {
		t.Errorf("unnamed status: %q", got)
	}
	if got := sspiErrorText(errors.New("no package")); got != "no package" {
		t.Errorf("an error without a status: %q", got)
	}
}
