package discover

import (
	"strings"
)

// The Windows Internet Settings strings (HKCU\Software\Microsoft\Windows\
// CurrentVersion\Internet Settings) are parsed here, on every OS, so that
// their tests run everywhere; os_windows.go reads the registry.

// internetSettings turns the registry values into Settings. Windows uses
// AutoConfigURL first when both it and a proxy server are set; Settings
// carries both and the caller decides.
func internetSettings(autoConfigURL string, proxyEnable uint64, proxyServer, proxyOverride string) Settings {
	s := Settings{Source: "Windows Internet Settings", PAC: strings.TrimSpace(autoConfigURL)}
	if proxyEnable != 0 {
		s.Proxies = parseProxyServer(proxyServer)
		s.NoProxy = parseProxyOverride(proxyOverride)
	}
	return s
}

// parseProxyServer reads ProxyServer: either one proxy for every protocol
// ("proxy:8080") or per-protocol entries ("http=a:8080;https=b:8443;
// ftp=c:21;socks=d:1080"). ferry relays HTTP and HTTPS, so it keeps the
// unnamed, http= and https= entries in the order written, and skips ftp=
// and socks=. A port left out means 80, as Windows reads it.
func parseProxyServer(v string) []string {
	var out []string
	for _, e := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ' ' || r == '\t' }) {
		proto, addr, named := strings.Cut(e, "=")
		if !named {
			addr = proto
		} else if p := strings.ToLower(strings.TrimSpace(proto)); p != "http" && p != "https" {
			continue
		}
		// "https=proxy:8443" names the proxy for https URLs; the proxy
		// itself still speaks plain HTTP (CONNECT), so drop any scheme.
		addr = strings.TrimSpace(addr)
		if i := strings.Index(addr, "://"); i >= 0 {
			addr = addr[i+3:]
		}
		if hp, ok := proxyHostPort(addr); ok {
			out = appendUnique(out, hp)
		}
	}
	return out
}

// parseProxyOverride reads ProxyOverride ("<local>;*.corp.example;10.*")
// into ferry's no_proxy patterns. "<local>" (host names without a dot) is
// kept as it is.
func parseProxyOverride(v string) []string {
	var out []string
	for _, e := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\t' }) {
		if i := strings.Index(e, "://"); i >= 0 {
			e = e[i+3:]
		}
		if strings.EqualFold(e, "<local>") {
			e = "<local>"
		}
		if e != "" {
			out = appendUnique(out, e)
		}
	}
	return out
}
