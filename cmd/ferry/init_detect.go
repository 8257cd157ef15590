package main

// Finding the parent proxy for ferry init: the environment first, then
// the OS proxy settings through osProxy, which each OS file provides
// (init_detect_windows.go: registry; _darwin.go: scutil --proxy;
// _linux.go: GNOME gsettings; elsewhere nothing).

import (
	"net"
	"net/url"
	"strconv"
	"strings"
)

// detectParent returns the parent proxy as host:port and where it was
// found, or "" when nothing names one. A proxy on loopback is skipped: it
// is ferry itself (or cntlm) from an earlier setup, not the parent.
func detectParent(getenv func(string) string) (addr, from string) {
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		if a := proxyAddr(getenv(name)); a != "" {
			return a, name
		}
	}
	if a, from := osProxy(); a != "" {
		if a = proxyAddr(a); a != "" {
			return a, from
		}
	}
	return "", ""
}

// proxyAddr reads "http://user@host:port/", "host:port" or "host" (port
// 8080 then, as curl assumes 1080 and most corporate proxies use 8080 or
// 3128: ferry init asks to confirm it) into host:port, or "" for none or a
// loopback proxy.
func proxyAddr(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "8080"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return ""
	}
	if isLoopback(host) {
		return ""
	}
	return net.JoinHostPort(host, port)
}

// parseWindowsProxyServer reads Internet Settings' ProxyServer: "host:port"
// for every protocol, or "http=host:port;https=host:port;ftp=...".
func parseWindowsProxyServer(v string) string {
	if !strings.Contains(v, "=") {
		return strings.TrimSpace(v)
	}
	byProto := map[string]string{}
	for _, part := range strings.Split(v, ";") {
		if k, val, ok := strings.Cut(part, "="); ok {
			byProto[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(val)
		}
	}
	for _, k := range []string{"https", "http"} {
		if byProto[k] != "" {
			return byProto[k]
		}
	}
	return ""
}

// parseScutilProxy reads `scutil --proxy` (macOS): HTTPSEnable/HTTPSProxy/
// HTTPSPort, else the HTTP ones.
func parseScutilProxy(out string) string {
	kv := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, " : "); ok {
			kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	for _, p := range []string{"HTTPS", "HTTP"} {
		if kv[p+"Enable"] == "1" && kv[p+"Proxy"] != "" {
			if port := kv[p+"Port"]; port != "" {
				return net.JoinHostPort(kv[p+"Proxy"], port)
			}
			return kv[p+"Proxy"]
		}
	}
	return ""
}

// parseGSettings reads GNOME's proxy settings: mode, host and port as
// `gsettings get` prints them ('manual', 'proxy.corp', 8080).
func parseGSettings(mode, host, port string) string {
	unq := func(s string) string { return strings.Trim(strings.TrimSpace(s), "'\"") }
	if unq(mode) != "manual" || unq(host) == "" {
		return ""
	}
	p := strings.TrimSpace(port)
	if p == "" || p == "0" {
		return unq(host)
	}
	return net.JoinHostPort(unq(host), p)
}
