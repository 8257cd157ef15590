package config

// This file holds 'ferry config show': the effective configuration
// written back as TOML.

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/ferryproxy/ferry/relay"
	"github.com/ferryproxy/ferry/relay/parent"
)

// secretKeys are redacted by `ferry config show`.
var secretKeys = map[string]bool{
	"auth.password": true, "auth.pass_lm": true, "auth.pass_nt": true, "auth.pass_ntlmv2": true,
}

const redacted = "[redacted]"

// WriteEffective prints c as TOML, as ferry runs with it ('ferry config
// show'): every key ferry knows, in the documentation's order, defaults
// marked, secrets redacted.
func (c *Config) WriteEffective(w io.Writer) {
	if c.File != "" {
		fmt.Fprintf(w, "# effective configuration: %s, then environment and flags\n", c.File)
	} else {
		fmt.Fprintln(w, "# effective configuration: no config file, environment and flags only")
	}
	// Top-level keys first, then each table once, in the order settings()
	// first names it: TOML puts every key after a [table] line into it.
	all := settings(&fileConfig{}, c)
	var order []string
	byTable := map[string][]setting{}
	for _, s := range all {
		t, _ := splitPath(s.path)
		if _, ok := byTable[t]; !ok && t != "" {
			order = append(order, t)
		}
		byTable[t] = append(byTable[t], s)
	}
	var sorted []setting
	for _, t := range append([]string{""}, order...) {
		sorted = append(sorted, byTable[t]...)
	}
	table := ""
	for _, s := range sorted {
		t, name := splitPath(s.path)
		if t != table {
			fmt.Fprintf(w, "\n[%s]\n", t)
			table = t
		}
		value, set := settingValue(s)
		secret := secretKeys[s.path] || strings.Contains(name, "secret") || strings.Contains(name, "token")
		note := ""
		switch {
		case s.path == "auth.password" && c.Creds.PasswordFrom != "":
			value, set = Quote(redacted), true
			note = "  # from " + c.Creds.PasswordFrom
		case s.path == "auth.password" && c.Creds.passwordPending():
			value, set = Quote(redacted), true
			note = "  # asked at start from " + c.Creds.sourceName()
		case secret && set:
			value = Quote(redacted)
		}
		if !set {
			if def := defaultValue(c, s.path); def != "" {
				fmt.Fprintf(w, "%s = %s  # default\n", name, def)
			} else {
				fmt.Fprintf(w, "# %s: not set\n", name)
			}
			continue
		}
		fmt.Fprintf(w, "%s = %s%s\n", name, value, note)
	}
	// [headers] and [[tunnel]] are not in settings(): tables of their own.
	if len(c.Headers) > 0 {
		fmt.Fprintln(w, "\n[headers]")
		names := make([]string, 0, len(c.Headers))
		for n := range c.Headers {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := c.Headers[n]
			// A header may carry a credential of its own (a bearer token).
			if l := strings.ToLower(n); strings.Contains(l, "auth") || strings.Contains(l, "token") ||
				strings.Contains(l, "cookie") || strings.Contains(l, "key") {
				v = redacted
			}
			fmt.Fprintf(w, "%s = %s\n", Quote(n), Quote(v))
		}
	}
	for _, t := range c.Tunnels {
		fmt.Fprintf(w, "\n[[tunnel]]\nlisten = %s\ntarget = %s\n", Quote(t.Listen), Quote(t.Target))
	}
}

// settingValue renders a setting's value in TOML; set is false for a zero
// value (the default applies).
func settingValue(s setting) (value string, set bool) {
	switch s.kind {
	case kindString:
		return Quote(*s.str), *s.str != ""
	case kindList:
		q := make([]string, len(*s.list))
		for i, v := range *s.list {
			q[i] = Quote(v)
		}
		return "[" + strings.Join(q, ", ") + "]", len(*s.list) > 0
	case kindDuration:
		return Quote(s.dur.String()), *s.dur != 0
	case kindInt:
		return strconv.Itoa(*s.num), *s.num != 0
	case kindBool:
		return strconv.FormatBool(*s.flag != s.invert), *s.flag
	}
	return "", false
}

// keyDefaults are the values ferry uses for keys the config leaves unset,
// in TOML, so that `config show` prints what ferry runs with. A key with
// no default (a user, a PAC) is absent. They mirror the defaults in
// relay/server.go, relay/parent/upstream.go, relay/route/pac.go and
// auth/config.go.
var keyDefaults = map[string]string{
	"direct_fallback":          "false",
	"pac_refresh":              `"5m0s"`,
	"notify":                   "true",
	"auth.scheme":              `"auto"`,
	"auth.keyring":             "false",
	"auth.legacy_ntlm":         "false",
	"auth.lockout_cooldown":    `"10m0s"`,
	"timeouts.connect":         `"10s"`,
	"timeouts.response_header": `"1m0s"`,
	"timeouts.pool_idle":       `"1m0s"`,
	"timeouts.client_idle":     `"2m0s"`,
	"timeouts.read_header":     `"30s"`,
	"timeouts.shutdown":        `"10s"`,
	"timeouts.tunnel_idle":     `"0s"`,
	"limits.max_connections":   "4096",
	"limits.max_header_bytes":  "65536",
}

// defaultValue is the value ferry uses for the unset key path, "" when
// there is none. Some depend on the rest of the config.
func defaultValue(c *Config, path string) string {
	switch path {
	case "listen":
		return "[" + Quote(relay.DefaultListen) + "]"
	case "limits.spare_connections":
		if c.Limits.NoSpares {
			return "0"
		}
		return strconv.Itoa(parent.DefaultSpares)
	case "pac_fallback":
		if c.PAC == "" {
			return ""
		}
		if len(c.Parents) > 0 {
			return `"parents"`
		}
		return `"fail"`
	}
	return keyDefaults[path]
}
