package parent

import (
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/relay/failure"
)

// TestTryListOrder: parents up are tried as routed; a parent down for a
// refusal stays as a last resort; one down for silence is left out, and so
// is every down parent when direct_fallback can take the request.
func TestTryListOrder(t *testing.T) {
	up := func(addr string) *Upstream { return New(Config{Addr: addr}) }
	down := func(addr string, c failure.Cause) *Upstream {
		u := up(addr)
		u.h.down, u.h.lastErr = true, &failure.Error{Cause: c, What: addr + " failed"}
		return u
	}
	a, b, c, d := up("a:1"), down("b:1", failure.ParentTimeout), up("c:1"), down("d:1", failure.ParentRefused)
	names := func(us []*Upstream) string {
		var s []string
		for _, u := range us {
			s = append(s, u.addr)
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		parents        []*Upstream
		fallbackDirect bool
		want           string
		skipped        string
	}{
		{[]*Upstream{a, c}, false, "a:1 c:1", ""},
		{[]*Upstream{a, b, c, d}, false, "a:1 c:1 d:1", "b:1"},
		{[]*Upstream{b, a, d, c}, false, "a:1 d:1 c:1", "b:1"},
		{[]*Upstream{a, b, c, d}, true, "a:1 c:1", "b:1"},
		{[]*Upstream{d, b}, true, "", "d:1"},
	} {
		try, skipped := TryList(tc.parents, tc.fallbackDirect)
		got, why := names(try), ""
		if skipped != nil {
			why = skipped.Peer
		}
		if got != tc.want || why != tc.skipped {
			t.Errorf("%s (fallback %v): try %q skipped %q; want %q and %q", names(tc.parents), tc.fallbackDirect, got, why, tc.want, tc.skipped)
		}
	}
}
