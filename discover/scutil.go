package discover

import (
	"bufio"
	"net"
	"strconv"
	"strings"
)

// parseScutil reads `scutil --proxy`: the proxy dictionary of the primary
// network service. Only top-level keys count; __SCOPED__ holds
// per-interface copies of the same settings.
//
//	<dictionary> {
//	  ExceptionsList : <array> {
//	    0 : *.local
//	  }
//	  HTTPEnable : 1
//	  HTTPPort : 8080
//	  HTTPProxy : proxy.corp.example
//	}
func parseScutil(out []byte) Settings {
	keys := map[string]string{}
	var exceptions []string
	depth := 0
	inExceptions := false
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "}" {
			depth--
			inExceptions = false
			continue
		}
		k, v, ok := strings.Cut(line, " : ")
		opens := strings.HasSuffix(line, "{")
		switch {
		case depth == 0 && opens:
			// The outer "<dictionary> {".
		case depth == 1 && ok && !opens:
			keys[k] = strings.TrimSpace(v)
		case depth == 1 && ok && k == "ExceptionsList":
			inExceptions = true
		case depth == 2 && ok && inExceptions:
			exceptions = append(exceptions, strings.TrimSpace(v))
		}
		if opens {
			depth++
		}
	}

	s := Settings{Source: "macOS scutil"}
	if keys["ProxyAutoConfigEnable"] == "1" {
		s.PAC = keys["ProxyAutoConfigURLString"]
	}
	for _, p := range []string{"HTTP", "HTTPS"} {
		host, port := keys[p+"Proxy"], keys[p+"Port"]
		if keys[p+"Enable"] != "1" || host == "" {
			continue
		}
		if port == "" {
			port = "80"
		}
		if hp, ok := proxyHostPort(net.JoinHostPort(host, port)); ok {
			s.Proxies = appendUnique(s.Proxies, hp)
		}
	}
	if keys["ExcludeSimpleHostnames"] == "1" {
		s.NoProxy = append(s.NoProxy, "<local>")
	}
	for _, e := range exceptions {
		s.NoProxy = appendUnique(s.NoProxy, macCIDR(e))
	}
	return s
}

// macCIDR completes macOS's short ranges ("169.254/16", "10/8") to the
// full form ferry's no_proxy parser takes ("169.254.0.0/16").
func macCIDR(e string) string {
	addr, bits, ok := strings.Cut(e, "/")
	if !ok || strings.Contains(addr, ":") {
		return e
	}
	parts := strings.Split(addr, ".")
	if len(parts) >= 4 {
		return e
	}
	for _, p := range parts {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 255 {
			return e
		}
	}
	for len(parts) < 4 {
		parts = append(parts, "0")
	}
	return strings.Join(parts, ".") + "/" + bits
}
