package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// checkListen accepts host:port. Port 0 is allowed: the system picks a free
// port (tests and scripts read it from the log). Whether a non-loopback
// address has the allow list it needs is checkRouting's business.
func checkListen(addr string) error {
	host, port, err := splitHostPort(addr, `"127.0.0.1:3128"`)
	if err != nil {
		return fmt.Errorf("listen address %w", err)
	}
	if _, err := parsePort(port, 0); err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "" {
		return fmt.Errorf("listen address %q: an empty host means every interface: write 0.0.0.0:%s for that (with an allow list), or 127.0.0.1:%s", addr, port, port)
	}
	return nil
}

// CheckParent accepts host:port with a port from 1 to 65535 and IPv6
// addresses in brackets.
func CheckParent(addr string) error {
	if i := strings.Index(addr, "://"); i >= 0 {
		return fmt.Errorf("parent %q: write host:port without %q, e.g. %q", addr, addr[:i+3], addr[i+3:])
	}
	host, port, err := splitHostPort(addr, `"proxy.corp.example:8080"`)
	if err != nil {
		return fmt.Errorf("parent %w", err)
	}
	if _, err := parsePort(port, 1); err != nil {
		return fmt.Errorf("parent %q: %w", addr, err)
	}
	if host == "" {
		return fmt.Errorf("parent %q has no host: write host:port, e.g. \"proxy.corp.example%s\"", addr, addr)
	}
	if strings.Contains(host, ":") {
		if _, err := netip.ParseAddr(host); err != nil {
			return fmt.Errorf("parent %q: %q is not an IPv6 address", addr, host)
		}
		return nil
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(isBareKeyChar(c) || c == '.') {
			return fmt.Errorf("parent %q: host %q holds %q, which no host name has", addr, host, c)
		}
	}
	return nil
}

// splitHostPort is net.SplitHostPort with messages that say how to write
// the address; example is a well-formed address to show.
func splitHostPort(addr, example string) (host, port string, err error) {
	host, port, err = net.SplitHostPort(addr)
	if err == nil {
		return host, port, nil
	}
	var ae *net.AddrError
	switch {
	case addr == "":
		return "", "", fmt.Errorf("is empty: write host:port, e.g. %s", example)
	case strings.Count(addr, ":") > 1 && !strings.HasPrefix(addr, "["):
		return "", "", fmt.Errorf("%q is not host:port: put an IPv6 address in brackets, e.g. \"[::1]:8080\"", addr)
	case strings.Contains(err.Error(), "missing port") && isDigits(addr) && strings.Contains(example, ":"):
		// A port alone ("3128"): the host is what is missing.
		exHost := strings.Trim(example, `"`)
		exHost = exHost[:strings.LastIndexByte(exHost, ':')]
		return "", "", fmt.Errorf("%q is a port alone: write host:port, e.g. \"%s:%s\"", addr, exHost, addr)
	case strings.Contains(err.Error(), "missing port"):
		return "", "", fmt.Errorf("%q has no port: write host:port, e.g. \"%s:8080\"", addr, strings.Trim(addr, "[]"))
	case errors.As(err, &ae):
		return "", "", fmt.Errorf("%q is not host:port (%s): write e.g. %s", addr, ae.Err, example)
	}
	return "", "", fmt.Errorf("%q is not host:port: write e.g. %s", addr, example)
}

func parsePort(port string, lowest int) (int, error) {
	n, err := strconv.Atoi(port)
	if err != nil || n < lowest || n > 65535 || port[0] == '+' || port[0] == '-' {
		return 0, fmt.Errorf("port %q is not a number from %d to 65535", port, lowest)
	}
	return n, nil
}

// checkNoProxy refuses only what can never match: empty patterns and
// malformed CIDR blocks. The relay interprets the rest.
func checkNoProxy(pattern string) error {
	p := strings.TrimSpace(pattern)
	if p == "" {
		return fmt.Errorf("no_proxy has an empty pattern: remove it")
	}
	if strings.Contains(p, "/") {
		if _, err := netip.ParsePrefix(p); err != nil {
			return fmt.Errorf("no_proxy %q is not a CIDR block: write e.g. \"10.0.0.0/8\" or \"fd00::/8\"", pattern)
		}
	}
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
