package discover

import (
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// proxyHostPort turns a proxy as systems write it ("proxy:8080",
// "http://user:pw@proxy:8080/", "[::1]:3128", "proxy") into host:port.
// Only plain HTTP proxies qualify: socks*:// and https:// (TLS to the
// proxy) are not parents ferry can use. Credentials are dropped.
func proxyHostPort(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", false
	}
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	if err != nil || !strings.EqualFold(u.Scheme, "http") || u.Hostname() == "" {
		return "", false
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return "", false
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port), true
}

// dropSelf removes proxies and a PAC URL that point at ferry's own
// listeners: once ferry is the system proxy, the system settings name it.
func dropSelf(s Settings, self []string) Settings {
	if len(self) == 0 {
		return s
	}
	var keep []string
	for _, p := range s.Proxies {
		if !IsSelf(p, self) {
			keep = append(keep, p)
		}
	}
	s.Proxies = keep
	if s.PAC != "" {
		if u, err := url.Parse(s.PAC); err == nil && u.Host != "" {
			port := u.Port()
			if port == "" {
				port = "80"
				if strings.EqualFold(u.Scheme, "https") {
					port = "443"
				}
			}
			if IsSelf(net.JoinHostPort(u.Hostname(), port), self) {
				s.PAC = ""
			}
		}
	}
	return s
}

// IsSelf reports whether hostport reaches one of ferry's listen addresses
// (self): the same host, or a loopback name for a loopback or wildcard
// listener, on the same port. Discovery drops such proxies; the config
// check refuses them as parents.
func IsSelf(hostport string, self []string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	for _, s := range self {
		sh, sp, err := net.SplitHostPort(s)
		if err != nil || sp != port {
			continue
		}
		if strings.EqualFold(sh, host) || (isLocal(host) && (sh == "" || isLocal(sh))) {
			return true
		}
		if ip, err := netip.ParseAddr(sh); err == nil && ip.IsUnspecified() && isOwnAddr(host) {
			return true
		}
	}
	return false
}

// isLocal: loopback names and addresses, and the wildcard addresses that a
// listener binds to reach them.
func isLocal(h string) bool {
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// isOwnAddr: an address of one of this machine's interfaces, which a
// listener on 0.0.0.0 also answers.
func isOwnAddr(h string) bool {
	ip, err := netip.ParseAddr(h)
	if err != nil {
		return false
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if pfx, err := netip.ParsePrefix(a.String()); err == nil && pfx.Addr() == ip.Unmap() {
			return true
		}
	}
	return false
}

// appendUnique appends v unless s already holds it.
func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
