package route

import "testing"

func TestNoProxyMatch(t *testing.T) {
	n, err := ParseNoProxy([]string{"localhost", "*.corp.example", ".intra.example", "10.0.0.0/8", "127.0.0.*", "fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{
		"localhost":          true,
		"LOCALHOST":          true,
		"a.localhost":        true,
		"notlocalhost":       false,
		"git.corp.example":   true,
		"corp.example":       false,
		"evilcorp.example":   false,
		"intra.example":      true,
		"a.b.intra.example":  true,
		"10.1.2.3":           true,
		"11.1.2.3":           false,
		"127.0.0.1":          true,
		"127.0.1.1":          false,
		"[fd00::1]":          true,
		"fe80::1":            false,
		"www.example.com":    false,
		"git.corp.example.":  true,
		"10.0.0.1.nip.io.ex": false,
	}
	for host, want := range cases {
		if got := n.Match(host); got != want {
			t.Errorf("Match(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestNoProxyPortsAndRanges(t *testing.T) {
	n, err := ParseNoProxy([]string{"*.corp:8443", "10.0.0.1-10.0.0.99", "[fd00::1]:443", "::1", "git.example:22", "<local>"})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{
		"a.corp:8443":        true,
		"a.corp:443":         false,
		"a.corp":             false, // no port: the pattern asks for one
		"10.0.0.50:80":       true,
		"10.0.0.1:1":         true,
		"10.0.0.99:1":        true,
		"10.0.0.100:1":       false,
		"[fd00::1]:443":      true,
		"[fd00::1]:80":       false,
		"[::1]:3128":         true,
		"git.example:22":     true,
		"git.example:443":    false,
		"www.git.example:22": true,
		"intranet:80":        true, // <local>
		"intranet.corp:80":   false,
	}
	for host, want := range cases {
		if got := n.Match(host); got != want {
			t.Errorf("Match(%q) = %v, want %v", host, got, want)
		}
	}
	for _, bad := range []string{"10.0.0.9-10.0.0.1", "a.corp:99999", "10.0.0.1-::1"} {
		if _, err := ParseNoProxy([]string{bad}); err == nil {
			t.Errorf("ParseNoProxy(%q) accepted a bad pattern", bad)
		}
	}
}

func TestNoProxyStar(t *testing.T) {
	n, _ := ParseNoProxy([]string{"*"})
	if !n.Match("anything.example") {
		t.Fatal("* must match everything")
	}
}

func TestNoProxyRejectsBadPatterns(t *testing.T) {
	for _, p := range []string{"10.0.0.0/33", "host/8", "[a-"} {
		if _, err := ParseNoProxy([]string{p}); err == nil {
			t.Errorf("ParseNoProxy(%q) accepted a bad pattern", p)
		}
	}
}
