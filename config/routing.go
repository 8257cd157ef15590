package config

import (
	"fmt"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/discover"
	"github.com/ferryproxy/ferry/relay"
	"github.com/ferryproxy/ferry/relay/acl"
)

// Routing holds the config keys for the ways in besides the HTTP proxy and
// for gateway mode.
type Routing struct {
	SOCKS5         []string
	Allow, Deny    []string
	DirectFallback bool
	Headers        map[string]string
	Tunnels        []relay.Tunnel
	PAC            string // a location, or "auto"
	PACFallback    string
	PACRefresh     time.Duration
	AllowHosts     []string
}

// fileTunnel is one [[tunnel]] table.
type fileTunnel struct {
	Listen string `toml:"listen"`
	Target string `toml:"target"`
}

// checkRouting checks socks5, [[tunnel]], [headers] and the allow list
// that a listener reachable from other machines needs.
func (c *Config) checkRouting() []*problem {
	var probs []*problem
	for _, a := range c.SOCKS5 {
		if err := checkListen(a); err != nil {
			probs = append(probs, c.problemAt("socks5", "socks5 "+err.Error()))
		}
	}
	for i, t := range c.Tunnels {
		if err := checkListen(t.Listen); err != nil {
			probs = append(probs, c.problemAt(fmt.Sprintf("tunnel[%d].listen", i+1), fmt.Sprintf("tunnel %d: %v", i+1, err)))
		}
		if err := CheckParent(t.Target); err != nil {
			probs = append(probs, c.problemAt(fmt.Sprintf("tunnel[%d].target", i+1), fmt.Sprintf("tunnel %d: target: %v (write target = \"git.corp.example:22\")", i+1, err)))
		}
	}
	for k := range c.Headers {
		if k == "" || textproto.CanonicalMIMEHeaderKey(k) == "Proxy-Authorization" || textproto.CanonicalMIMEHeaderKey(k) == "Host" {
			probs = append(probs, c.problemAt("headers", fmt.Sprintf("[headers] %q cannot be set: ferry writes Host and Proxy-Authorization itself", k)))
		}
	}
	switch c.PACFallback {
	case "", relay.PACFallbackParents, relay.PACFallbackDirect, relay.PACFallbackFail:
	default:
		probs = append(probs, c.problemAt("pac_fallback", fmt.Sprintf("pac_fallback %q: write \"parents\", \"direct\" or \"fail\"", c.PACFallback)))
	}
	if _, err := acl.Parse(c.Allow, c.Deny); err != nil {
		probs = append(probs, c.problemAt("allow", err.Error()))
	}
	probs = append(probs, c.checkGateway(c.problemAt)...)
	return probs
}

// checkGateway refuses a listener other machines can reach when no allow
// list says who may use it; at places the problem at the key that named it.
func (c *Config) checkGateway(at func(key, msg string) *problem) []*problem {
	if len(c.Allow) > 0 {
		return nil
	}
	type named struct{ key, addr string }
	var all []named
	for _, a := range c.Listen {
		all = append(all, named{"listen", a})
	}
	for _, a := range c.SOCKS5 {
		all = append(all, named{"socks5", a})
	}
	for _, t := range c.Tunnels {
		all = append(all, named{"tunnel", t.Listen})
	}
	var probs []*problem
	for _, n := range all {
		host, _, err := splitHostPort(n.addr, "")
		if err == nil && host != "" && !discover.IsLoopback(host) {
			probs = append(probs, at(n.key, fmt.Sprintf("listen address %q serves other machines, and there is no allow list: "+
				"add allow = [\"172.17.0.0/16\"] with the addresses that may use ferry (Docker, WSL2, VMs), or listen on 127.0.0.1; "+
				"ferry never runs as an open proxy", n.addr)))
		}
	}
	return probs
}

// ownListeners lists every address ferry listens on: listen, socks5 and
// each [[tunnel]]'s listen.
func (c *Config) ownListeners() []string {
	self := slices.Clone(c.Listen)
	self = append(self, c.SOCKS5...)
	for _, t := range c.Tunnels {
		self = append(self, t.Listen)
	}
	return self
}

// checkSelfParents refuses a parent that is one of ferry's own listeners:
// every request would come back to ferry and go round until
// max_connections (4,096 dials in 5 s). flag says the parents came from
// --parent rather than the file.
func (c *Config) checkSelfParents(flag bool) []*problem {
	self := c.ownListeners()
	var probs []*problem
	for _, p := range c.Parents {
		if !discover.IsSelf(p, self) {
			continue
		}
		m := fmt.Sprintf("parent %q is one of ferry's own listen addresses (%s): every request would come back to ferry in a loop; "+
			"name the company's proxy, e.g. \"proxy.corp.example:8080\"", p, strings.Join(self, ", "))
		if flag {
			probs = append(probs, &problem{at: "--parent", msg: m})
		} else {
			probs = append(probs, c.problemAt("parents", m))
		}
	}
	return probs
}

// checkSelfTunnels refuses a [[tunnel]] whose target is one of ferry's own
// listeners. Raw TCP carries no Via, so nothing at run time could tell the
// loop by its bytes: when the target is reached directly (no_proxy, a PAC's
// DIRECT) every connection to the tunnel opens another one to itself, until
// limits.max_connections, and then every app is refused. A tunnel to the
// HTTP or SOCKS5 listener is no loop but only ever a mistake: an app can
// use those directly.
func (c *Config) checkSelfTunnels() []*problem {
	self := c.ownListeners()
	var probs []*problem
	for i, t := range c.Tunnels {
		if CheckParent(t.Target) != nil || !discover.IsSelf(t.Target, self) {
			continue
		}
		probs = append(probs, c.problemAt(fmt.Sprintf("tunnel[%d].target", i+1), fmt.Sprintf(
			"tunnel %d: target %q is one of ferry's own listen addresses (%s): each connection to the tunnel would open another one "+
				"to ferry itself, in a loop until limits.max_connections; set target to the host and port the tunnel is for, "+
				"e.g. \"git.corp.example:22\"", i+1, t.Target, strings.Join(self, ", "))))
	}
	return probs
}

// wantsDiscovery reports whether the config asks ferry to find the
// system's proxy settings: "auto", or nothing configured at all.
func (c *Config) wantsDiscovery() bool {
	return (len(c.Parents) == 1 && c.Parents[0] == "auto") || c.PAC == "auto" || (len(c.Parents) == 0 && c.PAC == "")
}

// discover fills "auto" (or an empty config) from the system's proxy
// settings and says where they came from; a problem when "auto" found
// nothing.
func (c *Config) discover(find func() (discover.Settings, error)) *problem {
	if !c.wantsDiscovery() {
		return nil
	}
	explicit := slices.Contains(c.Parents, "auto") || c.PAC == "auto"
	if slices.Contains(c.Parents, "auto") {
		c.Parents = nil
	}
	if c.PAC == "auto" {
		c.PAC = ""
	}
	if find == nil {
		if explicit {
			return &problem{at: c.File, msg: "\"auto\" needs system proxy discovery, which is not available here: name the parents or the PAC"}
		}
		return nil
	}
	st, err := find()
	if err != nil {
		if explicit {
			return &problem{at: c.File, msg: "found no proxy settings on this system for \"auto\": " + err.Error() + `: write parents = ["proxy.corp.example:8080"] or pac = "http://..."`}
		}
		c.discovery = err.Error()
		return nil
	}
	if st.PAC != "" {
		c.PAC = st.PAC
	}
	if len(st.Proxies) > 0 {
		c.Parents = st.Proxies
	}
	c.NoProxy = append(c.NoProxy, st.NoProxy...)
	c.Notes = append(c.Notes, fmt.Sprintf("proxy settings from %s: parents %v, pac %q, no_proxy %v", st.Source, st.Proxies, st.PAC, st.NoProxy))
	return nil
}
