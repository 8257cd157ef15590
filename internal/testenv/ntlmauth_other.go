//go:build !unix

package testenv

import "testing"

// StartNTLMVerifier needs Samba's winbindd and Unix accounts: elsewhere the
// test is skipped (or fails under CI=true, as for any missing peer).
func StartNTLMVerifier(t testing.TB, users map[string]string) *NTLMVerifier {
	t.Helper()
	unavailable(t, "NTLM verification with Samba runs on Linux only")
	return nil
}

// SetPassword is never reached: StartNTLMVerifier skipped the test.
func (v *NTLMVerifier) SetPassword(t testing.TB, name, pw string) {
	t.Helper()
	unavailable(t, "NTLM verification with Samba runs on Linux only")
}
