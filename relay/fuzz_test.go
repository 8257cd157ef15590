package relay

import (
	"strings"
	"testing"
)

// FuzzNoProxy: any pattern list either compiles or says why, and matching
// any host never panics.
func FuzzNoProxy(f *testing.F) {
	f.Add("localhost,*.corp.example,10.0.0.0/8,127.0.0.*", "git.corp.example")
	f.Add(".example,[,::1/128", "[::1]")
	f.Fuzz(func(t *testing.T, patterns, host string) {
		n, err := ParseNoProxy(strings.Split(patterns, ","))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "no_proxy ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		n.Match(host)
	})
}
