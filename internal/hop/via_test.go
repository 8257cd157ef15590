package hop

import (
	"net/http"
	"testing"
)

func TestViaSeenIn(t *testing.T) {
	v := &Via{Name: "ferry-0a1b2c3d"}
	for _, tc := range []struct {
		via  []string
		want bool
	}{
		{nil, false},
		{[]string{"1.1 squid"}, false},
		{[]string{"1.1 squid, 1.1 ferry-0a1b2c3d"}, true},
		{[]string{"1.0 app", "1.1 FERRY-0A1B2C3D (ferry)"}, true},
		{[]string{"1.1 ferry-0a1b2c3e"}, false},
		{[]string{"ferry-0a1b2c3d"}, false}, // a pseudonym alone is not an entry
	} {
		if got := v.SeenIn(http.Header{"Via": tc.via}); got != tc.want {
			t.Errorf("Via %q: SeenIn %v, want %v", tc.via, got, tc.want)
		}
	}
}
