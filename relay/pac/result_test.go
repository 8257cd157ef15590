package pac

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseResult(t *testing.T) {
	cases := []struct {
		in   string
		want []Proxy
	}{
		{"DIRECT", []Proxy{{"DIRECT", ""}}},
		{"PROXY a:8080; PROXY b:8080; SOCKS5 c:1080; DIRECT", []Proxy{
			{"PROXY", "a:8080"}, {"PROXY", "b:8080"}, {"SOCKS5", "c:1080"}, {"DIRECT", ""}}},
		{"  proxy   a.corp:3128 ;;direct;  ", []Proxy{{"PROXY", "a.corp:3128"}, {"DIRECT", ""}}},
		{"PROXY a", []Proxy{{"PROXY", "a:80"}}},
		{"HTTP a:81", []Proxy{{"PROXY", "a:81"}}},
		{"HTTPS secure.corp", []Proxy{{"HTTPS", "secure.corp:443"}}},
		{"SOCKS s; SOCKS4 s4:9; SOCKS5 s5", []Proxy{{"SOCKS", "s:1080"}, {"SOCKS4", "s4:9"}, {"SOCKS5", "s5:1080"}}},
		{"PROXY [2001:db8::1]:8080", []Proxy{{"PROXY", "[2001:db8::1]:8080"}}},
		{"PROXY [2001:db8::1]", []Proxy{{"PROXY", "[2001:db8::1]:80"}}},
		{"PROXY 2001:db8::1", []Proxy{{"PROXY", "[2001:db8::1]:80"}}},
		{"PROXY 10.0.0.1:08080", []Proxy{{"PROXY", "10.0.0.1:8080"}}},
		{"PROXY\ta:1\n;\r\nDIRECT;", []Proxy{{"PROXY", "a:1"}, {"DIRECT", ""}}},
	}
	for _, c := range cases {
		got, err := ParseResult(c.in)
		if err != nil {
			t.Errorf("ParseResult(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseResult(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParseResultErrors(t *testing.T) {
	cases := []struct{ in, wantInErr string }{
		{"", "no proxy"},
		{" ; ;", "no proxy"},
		{"QUIC a:443", `unknown proxy type "QUIC"`},
		{"PROXY a:8080; FTP b:21", `unknown proxy type "FTP"`},
		{"PROXY", "exactly one host:port"},
		{"PROXY a:1 b:2", "exactly one host:port"},
		{"DIRECT a:1", "DIRECT takes no address"},
		{"PROXY a:0", "port"},
		{"PROXY a:65536", "port"},
		{"PROXY a:http", "port"},
		{"PROXY :8080", "empty host"},
		{"PROXY [::1", "missing ]"},
		{"PROXY [::1]x", "after ]"},
		{"PROXY [nothost]:80", "not an IPv6"},
		{"PROXY a::b::c", "neither host:port"},
		{"PROXY user@evil:80", "characters"},
		{"PROXY http://a:80", "port"},
	}
	for _, c := range cases {
		got, err := ParseResult(c.in)
		if err == nil {
			t.Errorf("ParseResult(%q) = %v, want an error", c.in, got)
			continue
		}
		if !strings.Contains(err.Error(), c.wantInErr) {
			t.Errorf("ParseResult(%q) error %q does not say %q", c.in, err, c.wantInErr)
		}
	}
}

func FuzzParseResult(f *testing.F) {
	for _, s := range []string{
		"DIRECT", "PROXY a:8080; PROXY b:8080; SOCKS5 c:1080; DIRECT", "proxy a ;; direct;",
		"PROXY [2001:db8::1]:8080", "PROXY 2001:db8::1", "HTTPS h", "QUIC q:1", "PROXY [::1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		proxies, err := ParseResult(s)
		if err != nil {
			return
		}
		if len(proxies) == 0 {
			t.Fatalf("ParseResult(%q) returned no proxies and no error", s)
		}
		// What ParseResult returns it must accept again unchanged.
		var parts []string
		for _, p := range proxies {
			parts = append(parts, p.String())
			if (p.Type == "DIRECT") != (p.Addr == "") {
				t.Fatalf("ParseResult(%q): %+v", s, p)
			}
		}
		again, err := ParseResult(strings.Join(parts, "; "))
		if err != nil || !reflect.DeepEqual(again, proxies) {
			t.Fatalf("ParseResult(%q) = %v; reparsed %v, %v", s, proxies, again, err)
		}
	})
}
