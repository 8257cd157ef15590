package route

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/parent"
)

func addrs(us []*parent.Upstream) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Addr())
	}
	return out
}

// TestStaticRoutesNoProxyDirectAndTheRestToTheParents: no_proxy hosts go
// directly, the rest to the parents in their order, with direct_fallback
// carried; without parents everything goes directly.
func TestStaticRoutesNoProxyDirectAndTheRestToTheParents(t *testing.T) {
	np, err := ParseNoProxy([]string{"*.corp.example"})
	if err != nil {
		t.Fatal(err)
	}
	parents := []*parent.Upstream{parent.New(parent.Config{Addr: "p1:8080"}), parent.New(parent.Config{Addr: "p2:8080"})}
	r := NewStatic(np, parents, true)
	d, err := r.Route(context.Background(), "git.corp.example:443", "")
	if err != nil || !d.Direct {
		t.Fatalf("no_proxy host: %+v %v, want direct", d, err)
	}
	d, err = r.Route(context.Background(), "www.example.com:80", "")
	if err != nil || d.Direct || !d.FallbackDirect || !slices.Equal(addrs(d.Parents), []string{"p1:8080", "p2:8080"}) {
		t.Fatalf("other host: %+v %v, want p1, p2 with direct fallback", d, err)
	}
	if d, _ := NewStatic(nil, nil, false).Route(context.Background(), "www.example.com:80", ""); !d.Direct {
		t.Fatalf("no parents: %+v, want direct", d)
	}
}

// TestPACDecisions: the PAC's answer in order, its configured parents as
// they are, the proxies it names made once, with credentials only for
// allow_hosts, and no_proxy before the script.
func TestPACDecisions(t *testing.T) {
	np, _ := ParseNoProxy([]string{"intranet.example"})
	configured := parent.New(parent.Config{Addr: "a.proxy:8080"})
	pacFile := filepath.Join(testenv.TempDir(t), "proxy.pac")
	err := os.WriteFile(pacFile, []byte(`function FindProxyForURL(url, host) {
		if (shExpMatch(host, "*.a.example")) return "PROXY a.proxy:8080";
		if (dnsDomainIs(host, ".b.example")) return "PROXY b.proxy:8080; DIRECT";
		if (dnsDomainIs(host, ".c.example")) return "PROXY c.allowed.example:3128";
		if (dnsDomainIs(host, ".s.example")) return "SOCKS s.proxy:1080";
		return "DIRECT";
	}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]bool{}
	r, err := NewPAC(PACConfig{Location: pacFile, AllowHosts: []string{"allowed.example"}, Credentials: true,
		NewUpstream: func(addr string, credentials bool) *parent.Upstream {
			if _, ok := made[addr]; ok {
				t.Errorf("%s made twice", addr)
			}
			made[addr] = credentials
			return parent.New(parent.Config{Addr: addr})
		}}, NewStatic(np, []*parent.Upstream{configured}, false))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	decide := func(host string) Decision {
		t.Helper()
		d, err := r.Route(context.Background(), host+":80", "http://"+host+"/")
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		return d
	}
	if d := decide("www.a.example"); len(d.Parents) != 1 || d.Parents[0] != configured || d.FallbackDirect {
		t.Errorf("a: %+v, want the configured parent", d)
	}
	for range 2 {
		if d := decide("www.b.example"); !slices.Equal(addrs(d.Parents), []string{"b.proxy:8080"}) || !d.FallbackDirect {
			t.Errorf("b: %+v, want b.proxy then direct", d)
		}
	}
	decide("www.c.example")
	if want := map[string]bool{"b.proxy:8080": false, "c.allowed.example:3128": true}; fmt.Sprint(made) != fmt.Sprint(want) {
		t.Errorf("proxies made (with credentials?) %v, want %v", made, want)
	}
	for _, host := range []string{"www.example.com", "intranet.example"} {
		if d := decide(host); !d.Direct {
			t.Errorf("%s: %+v, want direct", host, d)
		}
	}
	if got := addrs(r.Named()); len(got) != 2 || slices.Contains(got, "a.proxy:8080") {
		t.Errorf("named %v, want b and c only", got)
	}
	// Only a SOCKS proxy: nothing ferry can use, so the fallback decides;
	// with a parent configured it is "parents", which routes as Static.
	if d := decide("www.s.example"); !slices.Equal(addrs(d.Parents), []string{"a.proxy:8080"}) {
		t.Errorf("s: %+v, want the fallback to the configured parent", d)
	}
}

// TestPACUnusableFailsWithPACFailed: without parents, a PAC that cannot be
// loaded fails the request with pac_failed (the default fallback "fail"),
// or goes directly when asked to.
func TestPACUnusableFailsWithPACFailed(t *testing.T) {
	missing := filepath.Join(testenv.TempDir(t), "nope.pac")
	r, err := NewPAC(PACConfig{Location: missing}, NewStatic(nil, nil, false))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.Route(context.Background(), "x.example:80", "http://x.example/")
	var e *failure.Error
	if !errors.As(err, &e) || e.Cause != failure.PACFailed || e.Peer != missing {
		t.Fatalf("got %v, want a pac_failed error naming the PAC", err)
	}
	direct, err := NewPAC(PACConfig{Location: missing, Fallback: FallbackDirect}, NewStatic(nil, nil, false))
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	if d, err := direct.Route(context.Background(), "x.example:80", "http://x.example/"); err != nil || !d.Direct {
		t.Fatalf("pac_fallback direct: %+v %v", d, err)
	}
	if _, err := NewPAC(PACConfig{Location: missing, Fallback: "sometimes"}, NewStatic(nil, nil, false)); err == nil {
		t.Fatal("an unknown pac_fallback was accepted")
	}
}

// TestTunnelURLIsWhatBrowsersPassAPAC: a tunnel to port 443 shows the PAC
// https://host/, without the port, as browsers pass it, so that a rule
// such as shExpMatch(url, "https://github.com/*") matches a CONNECT; any
// other port stays.
func TestTunnelURLIsWhatBrowsersPassAPAC(t *testing.T) {
	for hostport, want := range map[string]string{
		"github.com:443":  "https://github.com/",
		"github.com:8443": "https://github.com:8443/",
		"[::1]:443":       "https://[::1]/",
		"[::1]:8443":      "https://[::1]:8443/",
	} {
		if got := TunnelURL(hostport); got != want {
			t.Errorf("TunnelURL(%q) = %q, want %q", hostport, got, want)
		}
	}
}
