package route

import (
	"fmt"
	"net"
	"net/netip"
	"path"
	"strconv"
	"strings"
)

// NoProxy matches hosts that ferry reaches directly instead of through a
// parent. Patterns: "*" (everything), "localhost" or "corp.example" (that
// host and its subdomains, as curl reads no_proxy), ".corp.example" (the
// same), "*.corp.example" (subdomains only), "10.0.0.0/8" and "fd00::/8"
// (IP literals inside the range), "10.0.0.1-10.0.0.99" (an address range),
// globs such as "127.0.0.*", "<local>" (host names without a dot, as
// Windows and macOS write it), and any of these with a port ("*.corp:8443",
// "[fd00::1]:443") to match that port only.
type NoProxy struct {
	all   bool
	plain bool // "<local>": host names without a dot
	rules []noProxyRule
}

type noProxyRule struct {
	port     string // "" matches any port
	suffix   string // "corp.example": the host and its subdomains
	sub      string // ".corp.example": only below it
	prefix   netip.Prefix
	from, to netip.Addr // an address range
	glob     string
}

// ParseNoProxy compiles patterns, rejecting ones that cannot match.
func ParseNoProxy(patterns []string) (*NoProxy, error) {
	n := &NoProxy{}
	for _, raw := range patterns {
		p := strings.ToLower(strings.TrimSpace(raw))
		if p == "" {
			continue
		}
		if p == "*" {
			n.all = true
			continue
		}
		if p == "<local>" { // Windows' and macOS' "host names without a dot"
			n.plain = true
			continue
		}
		var r noProxyRule
		p, r.port = splitPatternPort(p)
		if r.port != "" {
			if n, err := strconv.Atoi(r.port); err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("no_proxy %q: the port must be a number from 1 to 65535", raw)
			}
		}
		switch {
		case strings.Contains(p, "/"):
			pfx, err := netip.ParsePrefix(p)
			if err != nil {
				return nil, fmt.Errorf("no_proxy %q: not a valid CIDR range (write it like 10.0.0.0/8)", raw)
			}
			r.prefix = pfx.Masked()
		case strings.Count(p, "-") == 1 && isIPRange(p):
			a, b, _ := strings.Cut(p, "-")
			r.from, r.to = netip.MustParseAddr(a).Unmap(), netip.MustParseAddr(b).Unmap()
			if r.to.Less(r.from) || r.from.Is4() != r.to.Is4() {
				return nil, fmt.Errorf("no_proxy %q: the range must go from the lower address to the higher, in one IP version", raw)
			}
		case strings.HasPrefix(p, "*.") && !strings.ContainsAny(p[2:], "*?["):
			r.sub = p[1:]
		case strings.ContainsAny(p, "*?["):
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("no_proxy %q: bad wildcard pattern", raw)
			}
			r.glob = p
		default:
			r.suffix = strings.TrimPrefix(p, ".")
		}
		n.rules = append(n.rules, r)
	}
	return n, nil
}

// splitPatternPort takes a trailing :port off a pattern ("[v6]:port" for
// IPv6; a bare IPv6 address or CIDR keeps its colons).
func splitPatternPort(p string) (string, string) {
	if strings.HasPrefix(p, "[") {
		if i := strings.Index(p, "]"); i > 0 {
			host, rest := p[1:i], p[i+1:]
			return host, strings.TrimPrefix(rest, ":")
		}
		return p, ""
	}
	if strings.Count(p, ":") == 1 {
		host, port, _ := strings.Cut(p, ":")
		return host, port
	}
	return p, ""
}

func isIPRange(p string) bool {
	a, b, _ := strings.Cut(p, "-")
	_, err1 := netip.ParseAddr(a)
	_, err2 := netip.ParseAddr(b)
	return err1 == nil && err2 == nil
}

// Match reports whether host, with or without a port, goes direct.
func (n *NoProxy) Match(hostport string) bool {
	if n == nil {
		return false
	}
	if n.all {
		return true
	}
	host, port := hostport, ""
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	ip, ipErr := netip.ParseAddr(host)
	if n.plain && ipErr != nil && !strings.Contains(host, ".") {
		return true
	}
	ip = ip.Unmap()
	for _, r := range n.rules {
		if r.port != "" && r.port != port {
			continue
		}
		switch {
		case r.prefix.IsValid():
			if ipErr == nil && r.prefix.Contains(ip) {
				return true
			}
		case r.from.IsValid():
			if ipErr == nil && ip.Is4() == r.from.Is4() && !ip.Less(r.from) && !r.to.Less(ip) {
				return true
			}
		case r.sub != "":
			if strings.HasSuffix(host, r.sub) {
				return true
			}
		case r.glob != "":
			if ok, _ := path.Match(r.glob, host); ok {
				return true
			}
		case r.suffix != "":
			if host == r.suffix || strings.HasSuffix(host, "."+r.suffix) {
				return true
			}
		}
	}
	return false
}
