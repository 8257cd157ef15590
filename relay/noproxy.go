package relay

import (
	"fmt"
	"net"
	"net/netip"
	"path"
	"strings"
)

// NoProxy matches hosts that ferry reaches directly instead of through a
// parent. Patterns: "*" (everything), "localhost" or "corp.example" (that
// host and its subdomains, as curl reads no_proxy), ".corp.example" (the
// same), "*.corp.example" (subdomains only), "10.0.0.0/8" and "::1/128"
// (IP literals inside the range), and globs such as "127.0.0.*".
type NoProxy struct {
	all      bool
	suffixes []string // "corp.example" matches corp.example and *.corp.example
	subs     []string // ".corp.example" matches only below it
	prefixes []netip.Prefix
	globs    []string
}

// ParseNoProxy compiles patterns, rejecting ones that cannot match.
func ParseNoProxy(patterns []string) (*NoProxy, error) {
	n := &NoProxy{}
	for _, raw := range patterns {
		p := strings.ToLower(strings.TrimSpace(raw))
		switch {
		case p == "":
			continue
		case p == "*":
			n.all = true
		case strings.Contains(p, "/"):
			pfx, err := netip.ParsePrefix(p)
			if err != nil {
				return nil, fmt.Errorf("no_proxy %q: not a valid CIDR range (write it like 10.0.0.0/8)", raw)
			}
			n.prefixes = append(n.prefixes, pfx.Masked())
		case strings.HasPrefix(p, "*.") && !strings.ContainsAny(p[2:], "*?["):
			n.subs = append(n.subs, p[1:])
		case strings.ContainsAny(p, "*?["):
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("no_proxy %q: bad wildcard pattern", raw)
			}
			n.globs = append(n.globs, p)
		default:
			n.suffixes = append(n.suffixes, strings.TrimPrefix(p, "."))
		}
	}
	return n, nil
}

// Match reports whether host (a name or IP literal, without port) goes
// direct.
func (n *NoProxy) Match(host string) bool {
	if n == nil {
		return false
	}
	if n.all {
		return true
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		for _, p := range n.prefixes {
			if p.Contains(ip) {
				return true
			}
		}
	}
	for _, s := range n.suffixes {
		if host == s || strings.HasSuffix(host, "."+s) {
			return true
		}
	}
	for _, s := range n.subs {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	for _, g := range n.globs {
		if ok, _ := path.Match(g, host); ok {
			return true
		}
	}
	return false
}

// hostOnly strips the port from host:port, if any.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}
