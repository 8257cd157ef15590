package auth

import "testing"

// TestNegotiateAccepted: the token Apache's mod_auth_gssapi 1.6.4 put on a
// site's 407 it let through (recorded here) says accept-completed; a SPNEGO
// reject, a request to continue, an empty or garbled token do not.
func TestNegotiateAccepted(t *testing.T) {
	const apache = "oYG3MIG0oAMKAQChCwYJKoZIhvcSAQICooGfBIGcYIGZBgkqhkiG9xIBAgICAG+BiTCBhqADAgEFoQMCAQ+iejB4oAMCARKicQRvNVXlqhyrYu532WqImf0nDOEw5WbodjRLTCB5hLKyy9K8p2uB26mgkyRRbhrHcIr0yZ9bYleh/63No2u4CNVDozxrO2mIW6CZ06MUatiLY/kZKclH8kJ3KKugkl71v6JitKR0NQeDn/z9Z8HHJkIF"
	for _, tc := range []struct {
		name, token string
		want        bool
	}{
		{"apache mutual authentication", apache, true},
		{"accept-completed alone", "oQcwBaADCgEA", true}, // a1 07 30 05 a0 03 0a 01 00
		{"reject", "oQcwBaADCgEC", false},                // negState 2
		{"accept-incomplete", "oQcwBaADCgEB", false},     // negState 1
		{"empty", "", false},
		{"not base64", "%%%", false},
		{"not SPNEGO", "TlRMTVNTUAACAAAA", false},
	} {
		if got := NegotiateAccepted(tc.token); got != tc.want {
			t.Errorf("%s: NegotiateAccepted = %v, want %v", tc.name, got, tc.want)
		}
	}
}
