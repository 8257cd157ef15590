package pac

import (
	"context"
	"net"
	"net/netip"
	"strings"
)

// Resolver looks up host names; *net.Resolver satisfies it.
type Resolver interface {
	LookupIP(ctx context.Context, network, host string) ([]net.IP, error)
}

// lookup resolves host ("ip4" or "ip"), answering IP literals without DNS.
// A failed lookup is an empty answer: PAC helpers return false or null on
// it, they never throw.
func lookup(ctx context.Context, r Resolver, network, host string) []netip.Addr {
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap()
		if network == "ip4" && !a.Is4() {
			return nil
		}
		return []netip.Addr{a}
	}
	if host == "" || ctx.Err() != nil {
		return nil
	}
	ips, err := r.LookupIP(ctx, network, host)
	if err != nil {
		return nil
	}
	out := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		if a, ok := netip.AddrFromSlice(ip); ok {
			a = a.Unmap()
			if network == "ip4" && !a.Is4() {
				continue
			}
			out = append(out, a)
		}
	}
	return out
}

// defaultLocalIPs returns the addresses of the interfaces that carry the
// default routes: connecting a UDP socket sends no packet but makes the
// kernel pick the source address it would use, and the interface holding
// that address contributes all its addresses. Without a default route
// (offline, or a VPN that only routes some networks) it falls back to every
// non-loopback interface address.
func defaultLocalIPs() ([]net.IP, error) {
	var sources []net.IP
	for _, target := range []string{"198.51.100.1:53", "[2001:db8::1]:53"} {
		c, err := net.Dial("udp", target)
		if err != nil {
			continue
		}
		if ua, ok := c.LocalAddr().(*net.UDPAddr); ok && !ua.IP.IsUnspecified() {
			sources = append(sources, ua.IP)
		}
		c.Close()
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		if len(sources) > 0 {
			return sources, nil
		}
		return nil, err
	}
	var routed, all []net.IP
	for _, ifc := range ifaces {
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		var mine []net.IP
		holdsSource := false
		for _, a := range addrs {
			n, ok := a.(*net.IPNet)
			if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() {
				continue
			}
			mine = append(mine, n.IP)
			for _, src := range sources {
				holdsSource = holdsSource || n.IP.Equal(src)
			}
		}
		all = append(all, mine...)
		if holdsSource {
			routed = append(routed, mine...)
		}
	}
	switch {
	case len(routed) > 0:
		return routed, nil
	case len(sources) > 0:
		return sources, nil
	}
	return all, nil
}

// localAddrs returns the machine's addresses for myIpAddress(Ex), IPv4
// first. An error or an empty answer gives nil; callers fall back to
// loopback as browsers do.
func localAddrs(f func() ([]net.IP, error)) []netip.Addr {
	ips, err := f()
	if err != nil {
		return nil
	}
	var v4, v6 []netip.Addr
	for _, ip := range ips {
		a, ok := netip.AddrFromSlice(ip)
		if !ok {
			continue
		}
		a = a.Unmap()
		if a.Is4() {
			v4 = append(v4, a)
		} else {
			v6 = append(v6, a)
		}
	}
	return append(v4, v6...)
}
