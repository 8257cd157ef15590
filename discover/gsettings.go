package discover

import (
	"bufio"
	"net"
	"strconv"
	"strings"
)

// parseGsettings reads `gsettings list-recursively org.gnome.system.proxy`.
// mode 'auto' names a PAC URL (an empty one means WPAD, which System does
// only when Options.WPAD is set); mode 'manual' names the proxies; 'none'
// means direct. The authentication-* keys are never read.
func parseGsettings(out []byte) Settings {
	vals := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.SplitN(strings.TrimSpace(sc.Text()), " ", 3)
		if len(f) == 3 && strings.HasPrefix(f[0], "org.gnome.system.proxy") && !strings.HasPrefix(f[1], "authentication-") {
			vals[strings.TrimPrefix(f[0], "org.gnome.system.proxy")+" "+f[1]] = f[2]
		}
	}
	s := Settings{Source: "GNOME gsettings"}
	switch gvString(vals[" mode"]) {
	case "auto":
		s.PAC = gvString(vals[" autoconfig-url"])
	case "manual":
		schemas := []string{".http", ".https"}
		if vals[" use-same-proxy"] == "true" {
			schemas = schemas[:1]
		}
		for _, sch := range schemas {
			host := gvString(vals[sch+" host"])
			port, err := strconv.Atoi(strings.TrimSpace(vals[sch+" port"]))
			if host == "" || err != nil || port <= 0 {
				continue
			}
			if hp, ok := proxyHostPort(net.JoinHostPort(host, strconv.Itoa(port))); ok {
				s.Proxies = appendUnique(s.Proxies, hp)
			}
		}
	}
	if !s.empty() {
		s.NoProxy = gvStrings(vals[" ignore-hosts"])
	}
	return s
}

// gvString decodes a GVariant text string: 'text' or "text", with
// backslash escapes.
func gvString(v string) string {
	v = strings.TrimSpace(v)
	if len(v) < 2 || (v[0] != '\'' && v[0] != '"') || v[len(v)-1] != v[0] {
		return v
	}
	var b strings.Builder
	for i := 1; i < len(v)-1; i++ {
		if v[i] == '\\' && i+1 < len(v)-1 {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// gvStrings decodes a GVariant string array: ['a', 'b'] or "@as []".
func gvStrings(v string) []string {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "@as"))
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") {
		return nil
	}
	v = v[1 : len(v)-1]
	var out []string
	for len(v) > 0 {
		v = strings.TrimLeft(v, " ,")
		if v == "" {
			break
		}
		q := v[0]
		if q != '\'' && q != '"' {
			break
		}
		i := 1
		for i < len(v) && v[i] != q {
			if v[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(v) {
			break
		}
		out = append(out, gvString(v[:i+1]))
		v = v[i+1:]
	}
	return out
}
