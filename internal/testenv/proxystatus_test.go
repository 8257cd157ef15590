package testenv

import "testing"

func TestVerdictReadsFerrysParameterOnly(t *testing.T) {
	cases := map[string]string{
		`ferry; error=connection_refused; details="parent_refused: x; verdict=no"; verdict=parent_refused`: "parent_refused",
		`squid; error=dns_error; verdict=parent_refused`:                                                   "",
		`ferry; error=proxy_internal_error`:                                                                "",
		``:                                                                                                 "",
	}
	for h, want := range cases {
		if got := Verdict(h); got != want {
			t.Errorf("Verdict(%q) = %q, want %q", h, got, want)
		}
	}
}
