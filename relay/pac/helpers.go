package pac

import (
	"bytes"
	"net"
	"net/netip"
	"sort"
	"strings"
)

// The host-name helpers of the Netscape PAC specification. They are pure
// functions of their arguments; the ones that need DNS or the clock live in
// dns.go and timefuncs.go.

// isPlainHostName reports whether host has no domain part ("intranet").
// IPv6 literals contain no dot but are not plain names (as in Chromium).
func isPlainHostName(host string) bool {
	return !strings.Contains(host, ".") && !strings.Contains(host, ":")
}

// dnsDomainIs reports whether host ends with domain. Like the reference
// implementation it is a plain suffix test ("xnetscape.com" is in
// "netscape.com"; PAC authors write ".netscape.com"), but it ignores ASCII
// case because host names do.
func dnsDomainIs(host, domain string) bool {
	return len(host) >= len(domain) && strings.EqualFold(host[len(host)-len(domain):], domain)
}

// localHostOrDomainIs reports whether host is hostdom, or is an unqualified
// name whose qualified form is hostdom ("www" and "www.corp.com").
func localHostOrDomainIs(host, hostdom string) bool {
	if strings.EqualFold(host, hostdom) {
		return true
	}
	return len(hostdom) > len(host) && hostdom[len(host)] == '.' && strings.EqualFold(hostdom[:len(host)], host)
}

// dnsDomainLevels counts the dots in host.
func dnsDomainLevels(host string) int {
	return strings.Count(host, ".")
}

// shExpMatch matches str against a shell expression where * is any run of
// characters (including / and .) and ? is one character; everything else is
// literal and case matters, as in Chromium and Firefox. The greedy
// backtracking loop keeps the cost at O(len(str)*len(pattern)) at worst, so
// a hostile pattern cannot blow up like a regexp translation could.
func shExpMatch(str, pattern string) bool {
	s, p := []rune(str), []rune(pattern)
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			si++
			pi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// isInNetAddr reports whether ip is in pattern/mask, all IPv4 dotted quads.
// Any mask is accepted bit by bit, as Netscape's reference does; a malformed
// pattern or mask makes the test false rather than an error.
func isInNetAddr(ip netip.Addr, pattern, mask string) bool {
	p, err1 := netip.ParseAddr(pattern)
	m, err2 := netip.ParseAddr(mask)
	if err1 != nil || err2 != nil || !p.Is4() || !m.Is4() {
		return false
	}
	ip = ip.Unmap()
	if !ip.Is4() {
		return false
	}
	a, pb, mb := ip.As4(), p.As4(), m.As4()
	for i := range a {
		if a[i]&mb[i] != pb[i]&mb[i] {
			return false
		}
	}
	return true
}

// inPrefix reports whether ip is in the CIDR prefix ("10.0.0.0/8",
// "fe80::/10"); isInNetEx's test. A prefix without a length is a single
// address.
func inPrefix(ip netip.Addr, prefix string) bool {
	prefix = strings.TrimSpace(prefix)
	if !strings.Contains(prefix, "/") {
		a, err := netip.ParseAddr(prefix)
		return err == nil && a.Unmap() == ip.Unmap()
	}
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		return false
	}
	if p.Addr().Is4() {
		ip = ip.Unmap()
	}
	return p.Contains(ip)
}

// sortIPList sorts a semicolon-separated address list: IPv6 addresses before
// IPv4 ones (Microsoft's order, which prefers IPv6), each group in ascending
// numeric order. ok is false when an entry is not an IP address.
func sortIPList(list string) (sorted string, ok bool) {
	var ips []net.IP
	for _, f := range strings.Split(list, ";") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		ip := net.ParseIP(f)
		if ip == nil {
			return "", false
		}
		ips = append(ips, ip)
	}
	if len(ips) == 0 {
		return "", false
	}
	sort.SliceStable(ips, func(i, j int) bool {
		a4, b4 := ips[i].To4() != nil, ips[j].To4() != nil
		if a4 != b4 {
			return !a4
		}
		return bytes.Compare(ips[i].To16(), ips[j].To16()) < 0
	})
	parts := make([]string, len(ips))
	for i, ip := range ips {
		parts[i] = ip.String()
	}
	return strings.Join(parts, ";"), true
}
