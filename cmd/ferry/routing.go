package main

import (
	"fmt"
	"net/textproto"

	"github.com/ferryproxy/ferry/relay"
)

// Routing holds the config keys for the ways in besides the HTTP proxy and
// for gateway mode.
type Routing struct {
	SOCKS5         []string
	Allow, Deny    []string
	DirectFallback bool
	Headers        map[string]string
	Tunnels        []relay.Tunnel
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
			probs = append(probs, c.problemAt("tunnel", fmt.Sprintf("tunnel %d: %v", i+1, err)))
		}
		if err := checkParent(t.Target); err != nil {
			probs = append(probs, c.problemAt("tunnel", fmt.Sprintf("tunnel %d: target: %v (write target = \"git.corp.example:22\")", i+1, err)))
		}
	}
	for k := range c.Headers {
		if k == "" || textproto.CanonicalMIMEHeaderKey(k) == "Proxy-Authorization" || textproto.CanonicalMIMEHeaderKey(k) == "Host" {
			probs = append(probs, c.problemAt("headers", fmt.Sprintf("[headers] %q cannot be set: ferry writes Host and Proxy-Authorization itself", k)))
		}
	}
	if _, err := relay.ParseACL(c.Allow, c.Deny); err != nil {
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
		if err == nil && host != "" && !isLoopback(host) {
			probs = append(probs, at(n.key, fmt.Sprintf("listen address %q serves other machines, and there is no allow list: "+
				"add allow = [\"172.17.0.0/16\"] with the addresses that may use ferry (Docker, WSL2, VMs), or listen on 127.0.0.1; "+
				"ferry never runs as an open proxy", n.addr)))
		}
	}
	return probs
}

// routingConfig copies the routing keys into the relay's config.
func routingConfig(c *Config, rc *relay.Config) {
	rc.SOCKS5 = c.SOCKS5
	rc.Allow, rc.Deny = c.Allow, c.Deny
	rc.DirectFallback = c.DirectFallback
	rc.Headers = c.Headers
	rc.Tunnels = c.Tunnels
}
