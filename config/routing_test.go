package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/discover"
	"github.com/ferryproxy/ferry/relay"
)

func TestRoutingKeys(t *testing.T) {
	src := `parents = ["p:8080"]
listen = ["0.0.0.0:3128"]
socks5 = ["127.0.0.1:1080"]
allow = ["172.17.0.0/16"]
deny = ["172.17.0.66"]
direct_fallback = true
[headers]
User-Agent = "Mozilla/5.0 corp-approved"
[[tunnel]]
listen = "127.0.0.1:2222"
target = "git.corp.example:22"
`
	c, err := Parse("ferry.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Routing{
		SOCKS5: []string{"127.0.0.1:1080"}, Allow: []string{"172.17.0.0/16"}, Deny: []string{"172.17.0.66"},
		DirectFallback: true, Headers: map[string]string{"User-Agent": "Mozilla/5.0 corp-approved"},
		Tunnels: []relay.Tunnel{{Listen: "127.0.0.1:2222", Target: "git.corp.example:22"}},
	}
	if !reflect.DeepEqual(c.Routing, want) {
		t.Fatalf("got %+v\nwant %+v", c.Routing, want)
	}
}

func TestRoutingErrors(t *testing.T) {
	src := `parents = ["p:8080"]
socks5 = ["0.0.0.0:1080"]
allow = ["10.0.0.0/33"]
[headers]
Proxy-Authorization = "Basic x"
[[tunnel]]
listen = "127.0.0.1:2222"
target = "git.corp.example"
`
	_, err := Parse("ferry.toml", []byte(src))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`allow "10.0.0.0/33": not an IP address or CIDR range`,
		`[headers] "Proxy-Authorization" cannot be set`,
		`tunnel 1: target: parent "git.corp.example" has no port`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

func TestGatewayNeedsAllow(t *testing.T) {
	_, err := Parse("ferry.toml", []byte("parents = [\"p:8080\"]\nsocks5 = [\"0.0.0.0:1080\"]\n"))
	if err == nil || !strings.Contains(err.Error(), `ferry.toml:2: listen address "0.0.0.0:1080" serves other machines, and there is no allow list`) {
		t.Fatalf("got %v", err)
	}
}

func TestAutoDiscovery(t *testing.T) {
	found := func() (discover.Settings, error) {
		return discover.Settings{Proxies: []string{"proxy.corp.example:8080"}, NoProxy: []string{"<local>"}, Source: "environment"}, nil
	}
	c, err := Parse("ferry.toml", []byte("parents = [\"auto\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(Overrides{Getenv: noEnv, Discover: found}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Parents, []string{"proxy.corp.example:8080"}) || !reflect.DeepEqual(c.NoProxy, []string{"<local>"}) ||
		len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "environment") {
		t.Fatalf("parents %v no_proxy %v notes %v", c.Parents, c.NoProxy, c.Notes)
	}

	none := func() (discover.Settings, error) { return discover.Settings{}, errors.New("tried environment") }
	c, _ = Parse("ferry.toml", []byte("pac = \"auto\"\n"))
	err = c.Finish(Overrides{Getenv: noEnv, Discover: none})
	if err == nil || !strings.Contains(err.Error(), `found no proxy settings on this system for "auto": tried environment`) {
		t.Fatalf("got %v", err)
	}
}

func TestPACKeys(t *testing.T) {
	c, err := Parse("ferry.toml", []byte("pac = \"http://wpad.corp.example/wpad.dat\"\npac_fallback = \"direct\"\npac_refresh = \"1m\"\n[auth]\nallow_hosts = [\"proxy.corp.example\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.PAC != "http://wpad.corp.example/wpad.dat" || c.PACFallback != "direct" || c.PACRefresh != time.Minute || !reflect.DeepEqual(c.AllowHosts, []string{"proxy.corp.example"}) {
		t.Fatalf("%+v", c.Routing)
	}
	if err := c.Finish(Overrides{Getenv: noEnv}); err != nil {
		t.Fatalf("a PAC without parents must be enough: %v", err)
	}
	if _, err := Parse("ferry.toml", []byte("pac = \"x\"\npac_fallback = \"sometimes\"\n")); err == nil || !strings.Contains(err.Error(), `pac_fallback "sometimes"`) {
		t.Fatalf("got %v", err)
	}
}
