package pac

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Proxy is one entry of a PAC result, in the order the script gave it.
type Proxy struct {
	// Type is one of "DIRECT", "PROXY", "HTTPS", "SOCKS", "SOCKS4", "SOCKS5".
	Type string
	// Addr is host:port; empty for DIRECT.
	Addr string
}

func (p Proxy) String() string {
	if p.Type == "DIRECT" {
		return "DIRECT"
	}
	return p.Type + " " + p.Addr
}

// defaultPorts are the ports browsers assume when a PAC entry names no port
// (Chromium's ProxyServer::GetDefaultPortForScheme).
var defaultPorts = map[string]string{
	"PROXY":  "80",
	"HTTPS":  "443",
	"SOCKS":  "1080",
	"SOCKS4": "1080",
	"SOCKS5": "1080",
}

// ParseResult parses a FindProxyForURL result such as
// "PROXY a:8080; PROXY b:8080; SOCKS5 c:1080; DIRECT". It tolerates extra
// spaces, lower case and empty entries (trailing semicolons); "HTTP" is read
// as "PROXY" as Chromium and Firefox do. An entry of an unknown type, or a
// result with no entry at all, is an error: a caller must not silently go
// direct on a result it does not understand.
func ParseResult(s string) ([]Proxy, error) {
	var out []Proxy
	for _, entry := range strings.Split(s, ";") {
		fields := strings.Fields(entry)
		if len(fields) == 0 {
			continue
		}
		typ := strings.ToUpper(fields[0])
		if typ == "HTTP" {
			typ = "PROXY"
		}
		if typ == "DIRECT" {
			if len(fields) != 1 {
				return nil, fmt.Errorf("pac result %q: DIRECT takes no address, got %q", s, strings.Join(fields[1:], " "))
			}
			out = append(out, Proxy{Type: "DIRECT"})
			continue
		}
		port, known := defaultPorts[typ]
		if !known {
			return nil, fmt.Errorf("pac result %q: unknown proxy type %q (want DIRECT, PROXY, HTTPS, SOCKS, SOCKS4 or SOCKS5)", s, fields[0])
		}
		if len(fields) != 2 {
			return nil, fmt.Errorf("pac result %q: %s wants exactly one host:port, got %d fields", s, typ, len(fields)-1)
		}
		addr, err := normalizeAddr(fields[1], port)
		if err != nil {
			return nil, fmt.Errorf("pac result %q: %s %s: %w", s, typ, fields[1], err)
		}
		out = append(out, Proxy{Type: typ, Addr: addr})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("pac result %q: no proxy and no DIRECT in it", s)
	}
	return out, nil
}

// normalizeAddr returns host:port, adding defPort when the entry has none.
// IPv6 literals may come bracketed with or without a port, or bare.
func normalizeAddr(a, defPort string) (string, error) {
	host, port := a, defPort
	switch {
	case strings.HasPrefix(a, "["):
		end := strings.Index(a, "]")
		if end < 0 {
			return "", fmt.Errorf("missing ] in IPv6 address")
		}
		host = a[1:end]
		rest := a[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "", fmt.Errorf("unexpected %q after ]", rest)
			}
			port = rest[1:]
		}
		if net.ParseIP(host) == nil {
			return "", fmt.Errorf("%q is not an IPv6 address", host)
		}
	case strings.Count(a, ":") > 1:
		// A bare IPv6 literal cannot carry a port.
		if net.ParseIP(a) == nil {
			return "", fmt.Errorf("%q is neither host:port nor an IP address", a)
		}
	case strings.Contains(a, ":"):
		i := strings.LastIndex(a, ":")
		host, port = a[:i], a[i+1:]
	}
	if host == "" {
		return "", fmt.Errorf("empty host")
	}
	if strings.ContainsAny(host, "/@?#\\") {
		return "", fmt.Errorf("host %q has characters a host name cannot have", host)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}
