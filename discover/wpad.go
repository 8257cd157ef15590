package discover

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// wpadLookupTimeout bounds each DNS lookup: on a network without the
// name, a slow resolver must not hold ferry's start.
const wpadLookupTimeout = 3 * time.Second

// wpad looks up wpad.<domain> for each candidate in parallel and returns
// the first in candidate order that resolves. No HTTP request is made here:
// the PAC URL is fetched by whoever evaluates it.
func wpad(ctx context.Context, opt *Options) (Settings, error) {
	domains, err := searchDomains(opt)
	if err != nil {
		return Settings{}, fmt.Errorf("WPAD: %w", err)
	}
	names := wpadCandidates(domains)
	if len(names) == 0 {
		return Settings{}, fmt.Errorf("WPAD: no DNS search domain with two or more labels")
	}
	found := make([]chan bool, len(names))
	for i, name := range names {
		found[i] = make(chan bool, 1)
		go func() {
			lctx, cancel := context.WithTimeout(ctx, wpadLookupTimeout)
			defer cancel()
			addrs, err := opt.Resolver.LookupHost(lctx, name)
			found[i] <- err == nil && usable(addrs)
		}()
	}
	for i, name := range names {
		if <-found[i] {
			return Settings{PAC: "http://" + name + "/wpad.dat", Source: "WPAD DNS " + name}, nil
		}
	}
	return Settings{}, fmt.Errorf("WPAD: none of %s resolves", strings.Join(names, ", "))
}

// usable: at least one answer that is an address a PAC server could have.
// Some resolvers answer 0.0.0.0 for blocked names.
func usable(addrs []string) bool {
	for _, a := range addrs {
		if ip, err := netip.ParseAddr(a); err == nil && !ip.IsUnspecified() {
			return true
		}
	}
	return false
}

// searchDomains reads the DNS search list from opt.ResolvConf, or from
// the OS default place.
func searchDomains(opt *Options) ([]string, error) {
	if opt.ResolvConf == "" {
		return osSearchDomains()
	}
	return resolvConfDomains(opt.ResolvConf)
}

// parseResolvConf returns the search domains of a resolv.conf: "search"
// and "domain" lines replace each other, the last one wins (resolv.conf(5)).
func parseResolvConf(b []byte) []string {
	var domains []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexAny(line, "#;"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "search":
			domains = f[1:]
		case "domain":
			domains = f[1:2]
		}
	}
	return domains
}

// wpadCandidates lists wpad.<d> for each search domain and its parents down
// to two labels (eng.corp.example.com: wpad.eng.corp.example.com,
// wpad.corp.example.com, wpad.example.com), without duplicates. It stops
// above a country's registry level (never wpad.co.uk): whoever registers
// wpad there would get every such client's traffic, the classic WPAD
// devolution attack.
func wpadCandidates(domains []string) []string {
	var out []string
	for _, d := range domains {
		d = strings.ToLower(strings.Trim(strings.TrimSpace(d), "."))
		if !validDomain(d) {
			continue
		}
		labels := strings.Split(d, ".")
		for i := 0; len(labels)-i >= 2; i++ {
			rest := labels[i:]
			if len(rest) == 2 && registryLevel(rest) {
				break
			}
			out = appendUnique(out, "wpad."+strings.Join(rest, "."))
		}
	}
	return out
}

// registryLevel reports a two-label name that is a public registry under a
// country code (co.uk, com.au, ac.jp...), not an organisation's domain.
func registryLevel(l []string) bool {
	if len(l[1]) != 2 {
		return false
	}
	switch l[0] {
	case "co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go", "gob", "mil", "nom":
		return true
	}
	return false
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}
