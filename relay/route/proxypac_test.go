package route

import (
	"context"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/relay/pac"
)

func TestProxyPACMatchesNoProxy(t *testing.T) {
	noProxy := []string{"localhost", "*.corp.example", ".intra.example", "10.0.0.0/8", "127.0.0.*", "a.example:8443", "<local>"}
	src := ProxyPAC(noProxy, "127.0.0.1:3128")
	s, err := pac.Parse([]byte(src), pac.Options{CacheTTL: -1})
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	cases := map[string]string{
		"http://localhost/":        "DIRECT",
		"http://git.corp.example/": "DIRECT",
		"http://intra.example/":    "DIRECT",
		"http://x.intra.example/":  "DIRECT",
		"http://10.1.2.3/":         "DIRECT",
		"http://127.0.0.5/":        "DIRECT",
		"http://intranet/":         "DIRECT",
		"http://www.example.com/":  "PROXY 127.0.0.1:3128",
		"http://a.example:8443/":   "PROXY 127.0.0.1:3128", // ports are ferry's call
		"http://evilcorp.example/": "PROXY 127.0.0.1:3128",
	}
	for u, want := range cases {
		host := u[len("http://"):]
		host = host[:len(host)-1]
		host, _, _ = strings.Cut(host, ":")
		got, err := s.FindProxy(context.Background(), u, host)
		if err != nil {
			t.Fatal(err)
		}
		if pacString(got) != want {
			t.Errorf("%s: %s, want %s", u, pacString(got), want)
		}
	}
}
