package testenv

import "testing"

// The expected values come from `openssl passwd -apr1 -salt SALT PASSWORD`.
func TestAPR1MatchesOpenSSL(t *testing.T) {
	tests := []struct{ password, salt, want string }{
		{"p@ss w0rd!", "5a1tS4lt", "$apr1$5a1tS4lt$nPPlBiz3spkYtCmDDDI3j/"},
		{"secret", "ab", "$apr1$ab$jiiV6N7hIIuIoJbc1hxOE/"},
		{"a-rather-long-password-of-more-than-16", "abcdefgh", "$apr1$abcdefgh$JZSeq31HX7lx8khRiHhWC/"},
	}
	for _, tc := range tests {
		if got := apr1(tc.password, tc.salt); got != tc.want {
			t.Errorf("apr1(%q, %q) = %q, want %q", tc.password, tc.salt, got, tc.want)
		}
	}
}
