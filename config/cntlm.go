package config

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ferryproxy/ferry/discover"
)

// ReadCntlm reads a cntlm configuration for ImportCntlm, refusing a file
// larger than a config can be (a wrong path to a log or a device).
func ReadCntlm(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("%s is larger than %d bytes: is it a cntlm configuration?", path, maxConfigSize)
	}
	return data, nil
}

// cntlmLine is one "Key value" line of a cntlm configuration.
type cntlmLine struct {
	n          int
	key, value string
}

// parseCntlm reads cntlm's format as cntlm 0.92's config.c does: a key of
// letters and digits, blanks, then the value: either "quoted" (taken as
// is) or the rest of the line up to a #, trailing blanks trimmed. So an
// unquoted password loses everything from a # on, in cntlm as here. Lines
// starting with # or ; are comments, [section] lines are skipped.
func parseCntlm(data []byte) []cntlmLine {
	var out []cntlmLine
	text := strings.ToValidUTF8(string(data), "\uFFFD")
	text = strings.TrimPrefix(text, "\uFEFF") // Notepad's BOM in cntlm.ini
	isAlnum := func(r rune) bool { return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimLeftFunc(line, unicode.IsSpace)
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		end := strings.IndexFunc(line, func(r rune) bool { return !isAlnum(r) })
		if end <= 0 {
			continue // no key, or nothing after it: cntlm skips the line
		}
		key, rest := line[:end], strings.TrimLeftFunc(line[end:], unicode.IsSpace)
		if rest == "" || rest[0] == '#' || rest[0] == ';' || len(rest) == len(line[end:]) {
			continue // no value, or no blank after the key
		}
		var value string
		if rest[0] == '"' {
			v, _, ok := strings.Cut(rest[1:], `"`)
			if !ok {
				continue // cntlm skips an unterminated quote
			}
			value = v
		} else {
			value, _, _ = strings.Cut(rest, "#")
			value = strings.TrimRightFunc(value, unicode.IsSpace)
		}
		out = append(out, cntlmLine{n: i + 1, key: key, value: value})
	}
	return out
}

// single are the options cntlm reads once: the first line wins.
var single = map[string]bool{
	"username": true, "domain": true, "password": true, "passlm": true, "passnt": true,
	"passntlmv2": true, "workstation": true, "auth": true,
}

// notCarried says why a cntlm option has no ferry equivalent yet.
var notCarried = map[string]string{
	"socks5user":      "ferry's SOCKS5 port takes no user names: clients are admitted by allow/deny",
	"isascanneragent": "ferry does not handle ISA scanner pages",
	"isascannersize":  "ferry does not handle ISA scanner pages",
	"ntlmtobasic":     "ferry does not take credentials from apps",
	"flags":           "ferry chooses the NTLM flags itself",
	"pidfile":         "ferry runs in the foreground or as a service (ferry service)",
	"uid":             "ferry runs as the user who starts it",
}

// ImportCntlm converts a cntlm configuration into ferry.toml text; notes
// say what was not carried over and why. It never fails: the worst input
// gives a config with nothing in it and a note per line.
func ImportCntlm(name string, data []byte) (out string, notes []string) {
	var (
		user, domain, password, workstation, scheme string
		passLM, passNT, passNTLMv2                  string
		parents, noProxy, listen                    []string
		gateway                                     bool
		allow, deny, socks, tunnels, headers        []string
	)
	note := func(l cntlmLine, format string, args ...any) {
		notes = append(notes, fmt.Sprintf("%s:%d: %s: %s", name, l.n, l.key, fmt.Sprintf(format, args...)))
	}
	seen := map[string]bool{}
	for _, l := range parseCntlm(data) {
		key := strings.ToLower(l.key)
		if single[key] && seen[key] {
			note(l, "set again: cntlm uses the first %s, and so does ferry", l.key)
			continue
		}
		seen[key] = true
		switch key {
		case "username":
			user = l.value
		case "domain":
			domain = l.value
		case "password":
			password = l.value
			if password != "" {
				note(l, "carried over as password in plain text: consider `ferry hash` (pass_ntlmv2), password_command or keyring = true, see docs/credentials.md")
			}
		case "passlm":
			passLM = l.value
		case "passnt":
			passNT = l.value
		case "passntlmv2":
			passNTLMv2 = l.value
		case "workstation":
			workstation = l.value
		case "proxy":
			for _, f := range strings.Fields(l.value) {
				// cntlm also takes "host port" on one line.
				if _, err := strconv.Atoi(f); err == nil && len(parents) > 0 && !strings.Contains(parents[len(parents)-1], ":") {
					parents[len(parents)-1] = net.JoinHostPort(parents[len(parents)-1], f)
					continue
				}
				parents = append(parents, f)
			}
		case "noproxy":
			noProxy = append(noProxy, strings.FieldsFunc(l.value, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })...)
		case "listen":
			addr, changed := cntlmListen(l.value)
			if addr == "" {
				note(l, "%q is not a port or address: not carried over", l.value)
				continue
			}
			if changed {
				note(l, "%q listens beyond this machine; ferry listens on loopback only, so it becomes %s", l.value, addr)
			}
			listen = append(listen, addr)
		case "auth":
			switch strings.ToLower(l.value) {
			case "ntlmv2":
			case "ntlm", "nt", "lm", "ntlm2sr":
				note(l, "%s is legacy NTLM: ferry uses NTLMv2, which parents that accept %s normally accept too; only if this parent refuses it, add legacy_ntlm = true under [auth]", l.value, l.value)
			default:
				note(l, "%q is not a cntlm auth mode: ferry uses NTLMv2", l.value)
			}
			scheme = "ntlm"
		case "gateway":
			gateway = strings.EqualFold(l.value, "yes")
		case "allow", "deny":
			v := l.value
			switch {
			case v == "0/0" && key == "deny":
				// cntlm's closing "Deny 0/0" (first match wins there) is
				// ferry's default: whoever is not allowed is refused.
				continue
			case v == "0/0":
				v = "0.0.0.0/0"
				note(l, "0/0 admits every machine that can reach this one: narrow it to the networks that need ferry")
			case key == "deny":
				note(l, "ferry checks deny before allow (cntlm takes the first matching rule): check that %s should be refused even where an Allow rule covers it", v)
			}
			if key == "allow" {
				allow = append(allow, v)
			} else {
				deny = append(deny, v)
			}
		case "socks5proxy":
			if addr, _ := cntlmListen(l.value); addr != "" {
				socks = append(socks, addr)
			} else {
				note(l, "%q is not a port or address: not carried over", l.value)
			}
		case "tunnel":
			// [laddr:]lport:rhost:rport
			f := strings.Split(l.value, ":")
			if len(f) < 3 {
				note(l, "%q is not [address:]port:host:port: not carried over", l.value)
				continue
			}
			target := net.JoinHostPort(f[len(f)-2], f[len(f)-1])
			local, _ := cntlmListen(strings.Join(f[:len(f)-2], ":"))
			if local == "" {
				note(l, "%q: the local port is not valid: not carried over", l.value)
				continue
			}
			tunnels = append(tunnels, "[[tunnel]]\nlisten = "+Quote(local)+"\ntarget = "+Quote(target)+"\n")
		case "header":
			name, value, ok := strings.Cut(l.value, ":")
			if !ok || strings.TrimSpace(name) == "" {
				note(l, "%q is not \"Name: value\": not carried over", l.value)
				continue
			}
			headers = append(headers, Quote(strings.TrimSpace(name))+" = "+Quote(strings.TrimSpace(value)))
		default:
			if why, ok := notCarried[strings.ToLower(l.key)]; ok {
				note(l, "not carried over: %s", why)
			} else {
				note(l, "not a cntlm option ferry knows: ignored")
			}
		}
	}
	if user != "" || password != "" || passNT != "" || passNTLMv2 != "" || passLM != "" {
		// cntlm speaks NTLM only: keep ferry from trying anything else.
		scheme = "ntlm"
	}
	if len(parents) == 0 {
		notes = append(notes, name+": no Proxy line: add parents = [\"proxy.corp.example:8080\"] to the output")
	}
	if passLM != "" && passNT == "" && passNTLMv2 == "" && password == "" {
		notes = append(notes, name+": only PassLM is set, which ferry cannot use: run `ferry hash` for pass_ntlmv2")
	}

	if gateway {
		if len(allow) == 0 {
			notes = append(notes, name+": Gateway yes without Allow rules: ferry never serves other machines without an allow list, so it listens on loopback; add allow = [\"192.168.0.0/16\"] and listen on 0.0.0.0 to serve them")
		} else {
			// cntlm's gateway mode listens on every interface.
			for i, a := range listen {
				if _, port, err := net.SplitHostPort(a); err == nil && strings.HasPrefix(a, "127.0.0.1:") {
					listen[i] = "0.0.0.0:" + port
				}
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "# converted from the cntlm configuration %s by ferry import cntlm\n", tomlComment(name))
	writeList := func(key string, v []string) {
		if len(v) > 0 {
			q := make([]string, len(v))
			for i, s := range v {
				q[i] = Quote(s)
			}
			fmt.Fprintf(&b, "%s = [%s]\n", key, strings.Join(q, ", "))
		}
	}
	writeList("listen", listen)
	writeList("parents", parents)
	writeList("no_proxy", noProxy)
	writeList("socks5", socks)
	if gateway && len(allow) > 0 {
		writeList("allow", allow)
		writeList("deny", deny)
	}
	b.WriteString("\n[auth]\n")
	for _, kv := range [][2]string{
		{"scheme", scheme}, {"user", user}, {"domain", domain}, {"password", password},
		{"workstation", workstation}, {"pass_lm", passLM}, {"pass_nt", passNT}, {"pass_ntlmv2", passNTLMv2},
	} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "%s = %s\n", kv[0], Quote(kv[1]))
		}
	}
	if len(headers) > 0 {
		b.WriteString("\n[headers]\n" + strings.Join(headers, "\n") + "\n")
	}
	for _, t := range tunnels {
		b.WriteString("\n" + t)
	}
	return b.String(), notes
}

// cntlmListen turns cntlm's Listen ("3128", "127.0.0.1:3128",
// "0.0.0.0:3128") into a ferry listen address; changed is true when a
// non-loopback address was moved to 127.0.0.1.
func cntlmListen(v string) (addr string, changed bool) {
	if p, err := strconv.Atoi(v); err == nil {
		if p < 1 || p > 65535 {
			return "", false
		}
		return "127.0.0.1:" + v, false
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", false
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return "", false
	}
	if discover.IsLoopback(host) {
		return net.JoinHostPort(host, port), false
	}
	return "127.0.0.1:" + port, true
}

// Quote writes s as a TOML basic string: strconv.Quote's \x and \a
// escapes are not TOML.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		case r == utf8.RuneError:
			b.WriteString("\\uFFFD")
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlComment keeps a file name from ending the comment line.
func tomlComment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
