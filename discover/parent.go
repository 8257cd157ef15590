package discover

// Finding the one parent proxy ferry init proposes: the environment first,
// then the OS proxy settings that System reads (osSettings: the registry,
// scutil --proxy or gsettings). WPAD and PAC files are not asked: ferry
// init writes one host:port, which a person confirms.

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// osTimeout bounds scutil or gsettings for Parent: ferry init must not
// look hung on a desktop session that does not answer.
const osTimeout = 3 * time.Second

// Parent returns the parent proxy as host:port and where it was found
// (the variable's name, or Settings.Source), or "" when nothing names one.
// HTTPS_PROXY comes before HTTP_PROXY, as a corporate parent serves both.
// A proxy on loopback is skipped: it is ferry itself (or cntlm) from an
// earlier setup, not the parent. Only opt.Getenv and opt.Run are used.
func Parent(ctx context.Context, opt Options) (addr, from string) {
	opt.defaults()
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		if a := parentAddr(opt.Getenv(name)); a != "" {
			return a, name
		}
	}
	ctx, cancel := context.WithTimeout(ctx, osTimeout)
	defer cancel()
	s, err := osSettings(ctx, &opt)
	if err != nil {
		return "", ""
	}
	if a := firstParent(s); a != "" {
		return a, s.Source
	}
	return "", ""
}

// firstParent is the first of the OS's proxies that is not on loopback.
func firstParent(s Settings) string {
	for _, p := range s.Proxies {
		if a := parentAddr(p); a != "" {
			return a
		}
	}
	return ""
}

// parentAddr reads "http://user@host:port/", "host:port" or "host" (port
// 8080 then, as curl assumes 1080 and most corporate proxies use 8080 or
// 3128: ferry init asks to confirm it) into host:port, or "" for none or a
// loopback proxy.
func parentAddr(v string) string {
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
	if IsLoopback(host) {
		return ""
	}
	return net.JoinHostPort(host, port)
}

// IsLoopback says whether host is localhost or a loopback address: a proxy
// there is ferry itself, and a listen address there serves this machine
// alone. Unlike IsSelf, the unspecified address (0.0.0.0) is not one.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
