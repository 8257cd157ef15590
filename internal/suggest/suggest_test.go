package suggest

import "testing"

func TestClosest(t *testing.T) {
	known := []string{"listen", "parents", "no_proxy", "lockout_cooldown", "response_header"}
	tests := map[string]string{
		"parent":           "parents",
		"Parents":          "parents",
		"noproxy":          "no_proxy",
		"no-proxy":         "no_proxy",
		"lockout-cooldown": "lockout_cooldown",
		"responseHeader":   "response_header",
		"lisen":            "listen",
		"colour":           "",
		"p":                "",
	}
	for word, want := range tests {
		if got := Closest(word, known); got != want {
			t.Errorf("Closest(%q) = %q, want %q", word, got, want)
		}
	}
}
