package acl

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/ferryproxy/ferry/internal/httpserve"
)

// List decides which clients may use ferry. Deny is checked first; then
// loopback clients may, and others only when their address is in Allow.
// Without an Allow list ferry is never reachable from other machines: it
// must never become an open proxy. A nil *List admits loopback only.
type List struct {
	allow, deny []netip.Prefix
}

// Parse compiles allow and deny lists of CIDRs or single addresses.
func Parse(allow, deny []string) (*List, error) {
	a := &List{}
	var err error
	if a.allow, err = parsePrefixes("allow", allow); err != nil {
		return nil, err
	}
	if a.deny, err = parsePrefixes("deny", deny); err != nil {
		return nil, err
	}
	return a, nil
}

func parsePrefixes(what string, list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if !strings.Contains(s, "/") {
			ip, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%s %q: not an IP address or CIDR range (write it like 172.17.0.0/16)", what, s)
			}
			out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%s %q: not an IP address or CIDR range (write it like 172.17.0.0/16)", what, s)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Gateway reports whether the List lets any non-loopback client in.
func (a *List) Gateway() bool { return a != nil && len(a.allow) > 0 }

// Permits reports whether a client at addr may use ferry.
func (a *List) Permits(addr net.Addr) bool {
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	if a != nil {
		for _, p := range a.deny {
			if p.Contains(ip) {
				return false
			}
		}
	}
	if ip.IsLoopback() {
		return true
	}
	if a == nil {
		return false
	}
	for _, p := range a.allow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Listener refuses clients the List does not permit; on an HTTP listener
// they get a 403 that says why, elsewhere the connection just closes.
type Listener struct {
	net.Listener
	// List returns the List in force (a reload may change it).
	List func() *List
	// HTTP says the listener speaks HTTP, so a refused client gets a 403.
	HTTP bool
	// Log receives one line per refused client.
	Log func(msg string, args ...any)
}

// Accept returns the next client the List permits.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.List().Permits(c.RemoteAddr()) {
			return c, nil
		}
		l.Log("client refused by the allow/deny lists", "client", c.RemoteAddr().String(), "listener", l.Addr().String())
		go refuseClient(c, l.HTTP)
	}
}

func refuseClient(c net.Conn, isHTTP bool) {
	defer c.Close()
	if !isHTTP {
		return
	}
	const body = "ferry refused this connection: your address is not in ferry's allow list (or it is in its deny list).\n" +
		"What to do: ask the person who runs this ferry to add your address to allow in its config.\n(cause: client_denied)\n"
	httpserve.WriteRefusal(c, http.StatusForbidden, "Proxy-Status: ferry; error=http_request_denied\r\n", body)
}
