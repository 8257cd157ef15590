//go:build windows

package auth

import (
	"errors"
	"strings"
	"testing"
)

// TestSSPIFailureIsSSOUnavailable: when Windows gives no credentials for
// single sign-on (as under Wine, which answers 0x80090301), the error says
// so in hex and carries ErrSSOUnavailable, whose verdict tells a Windows
// user what to do instead of "run kinit".
func TestSSPIFailureIsSSOUnavailable(t *testing.T) {
	for _, name := range []string{SchemeNegotiate, SchemeNTLM} {
		s := &sspiScheme{name: name}
		sess, _ := s.NewSession("proxy.corp")
		_, err := sess.Step(Target{Proxy: "proxy.corp"}, nil)
		if err == nil {
			t.Skipf("%s: single sign-on works on this machine, nothing to check", name)
		}
		if !errors.Is(err, ErrSSOUnavailable) || !errors.Is(err, ErrNoCredentials) {
			t.Errorf("%s: %v does not wrap ErrSSOUnavailable and ErrNoCredentials", name, err)
		}
		if !strings.Contains(err.Error(), "0x") {
			t.Errorf("%s: %v: the SSPI status is not in hex", name, err)
		}
	}
}
