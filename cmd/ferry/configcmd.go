package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay"
)

const configUsage = `Usage: ferry config show  [--config FILE] [--listen ADDR]... [--parent HOST:PORT]... [--user USER]
       ferry config check [--config FILE] [--listen ADDR]... [--parent HOST:PORT]... [--user USER] [--prompt]

show prints the configuration ferry would run with (the file, then the
environment, then the flags, with defaults filled in) as TOML, every secret
replaced by [redacted]. It does not run password_command nor open the
keyring.

check loads the configuration the way 'ferry run' does, including asking
password_command or the keyring for the password, and builds the relay
without listening or contacting a parent. It prints the warnings and
problems, and exits 0 when ferry would start, 1 when it would not.

Flags (as for 'ferry run'):
  -c, --config FILE         the TOML config file (default: the per-user one)
  -l, --listen ADDR         a listen address; repeat for several
  -p, --parent HOST:PORT    a parent proxy; repeat for several
      --user USER           the account (DOMAIN\user); its password from
                            FERRY_PASSWORD, --prompt or the OS keyring
      --prompt              ask for the password (check only)
  -h, --help                show this help

Examples:
  ferry config show
  ferry config check --config /etc/ferry/ferry.toml && systemctl restart ferry
`

func cmdConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return usageError(stderr, "config", "name a subcommand: show or check")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, configUsage)
		return exitOK
	case "show", "check":
	default:
		return usageError(stderr, "config", fmt.Sprintf("unknown subcommand %q: use show or check", sub))
	}
	fs := newFlagSet("config")
	var sf startFlags
	sf.register(fs)
	if status, done := parseNoArgs(fs, rest, configUsage, "config", stdout, stderr); done {
		return status
	}
	o := sf.overrides(stderr)
	o.Discover, o.NoSecrets = nil, sub == "show"
	cfg, err := LoadConfig(sf.configPath, o)
	if cfg != nil {
		for _, w := range cfg.Warnings {
			fmt.Fprintf(stderr, "ferry: warning: %s\n", w)
		}
	}
	if err == nil && sub == "check" {
		err = buildOnly(cfg)
	}
	if err != nil {
		printError(stderr, err)
		if sub == "check" {
			fmt.Fprintln(stderr, "ferry: config check: ferry would not start")
		}
		return exitError
	}
	if sub == "show" {
		writeEffectiveConfig(stdout, cfg)
		return exitOK
	}
	where := cfg.File
	if where == "" {
		where = "flags and environment only, no config file"
	}
	fmt.Fprintf(stdout, "ferry: config check: OK (%s)\n", where)
	return exitOK
}

// buildOnly builds what `ferry run` builds, without opening anything.
func buildOnly(cfg *Config) error {
	authn, err := auth.New(cfg.Auth)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	if _, err := relay.New(relayConfig(cfg, authn, newLogger(io.Discard, false))); err != nil {
		return err
	}
	return nil
}

// secretKeys are redacted by `ferry config show`.
var secretKeys = map[string]bool{
	"auth.password": true, "auth.pass_lm": true, "auth.pass_nt": true, "auth.pass_ntlmv2": true,
}

const redacted = "[redacted]"

// writeEffectiveConfig prints cfg as TOML, walking settings() so that every
// key ferry knows is shown, in the documentation's order.
func writeEffectiveConfig(w io.Writer, cfg *Config) {
	if cfg.File != "" {
		fmt.Fprintf(w, "# effective configuration: %s, then environment and flags\n", cfg.File)
	} else {
		fmt.Fprintln(w, "# effective configuration: no config file, environment and flags only")
	}
	// Top-level keys first, then each table once, in the order settings()
	// first names it: TOML puts every key after a [table] line into it.
	all := settings(&fileConfig{}, cfg)
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
		case s.path == "auth.password" && cfg.Creds.PasswordFrom != "":
			value, set = tomlQuote(redacted), true
			note = "  # from " + cfg.Creds.PasswordFrom
		case s.path == "auth.password" && cfg.Creds.passwordPending():
			value, set = tomlQuote(redacted), true
			note = "  # asked at start from " + cfg.Creds.sourceName()
		case secret && set:
			value = tomlQuote(redacted)
		}
		if !set {
			if def := defaultValue(cfg, s.path); def != "" {
				fmt.Fprintf(w, "%s = %s  # default\n", name, def)
			} else {
				fmt.Fprintf(w, "# %s: not set\n", name)
			}
			continue
		}
		fmt.Fprintf(w, "%s = %s%s\n", name, value, note)
	}
	// [headers] and [[tunnel]] are not in settings(): tables of their own.
	if len(cfg.Headers) > 0 {
		fmt.Fprintln(w, "\n[headers]")
		names := make([]string, 0, len(cfg.Headers))
		for n := range cfg.Headers {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := cfg.Headers[n]
			// A header may carry a credential of its own (a bearer token).
			if l := strings.ToLower(n); strings.Contains(l, "auth") || strings.Contains(l, "token") ||
				strings.Contains(l, "cookie") || strings.Contains(l, "key") {
				v = redacted
			}
			fmt.Fprintf(w, "%s = %s\n", tomlQuote(n), tomlQuote(v))
		}
	}
	for _, t := range cfg.Tunnels {
		fmt.Fprintf(w, "\n[[tunnel]]\nlisten = %s\ntarget = %s\n", tomlQuote(t.Listen), tomlQuote(t.Target))
	}
}

// settingValue renders a setting's value in TOML; set is false for a zero
// value (the default applies).
func settingValue(s setting) (value string, set bool) {
	switch s.kind {
	case kindString:
		return tomlQuote(*s.str), *s.str != ""
	case kindList:
		q := make([]string, len(*s.list))
		for i, v := range *s.list {
			q[i] = tomlQuote(v)
		}
		return "[" + strings.Join(q, ", ") + "]", len(*s.list) > 0
	case kindDuration:
		return tomlQuote(s.dur.String()), *s.dur != 0
	case kindInt:
		return strconv.Itoa(*s.num), *s.num != 0
	case kindBool:
		return strconv.FormatBool(*s.flag), *s.flag
	}
	return "", false
}

// keyDefaults are the values ferry uses for keys the config leaves unset,
// in TOML, so that `config show` prints what ferry runs with. A key with
// no default (a user, a PAC) is absent. They mirror the unexported
// defaults in relay/server.go, relay/pacrouter.go and auth/config.go.
var keyDefaults = map[string]string{
	"direct_fallback":          "false",
	"pac_refresh":              `"5m0s"`,
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
func defaultValue(cfg *Config, path string) string {
	switch path {
	case "listen":
		return "[" + tomlQuote(defaultListen) + "]"
	case "limits.spare_connections":
		if cfg.Limits.NoSpares {
			return "0"
		}
		return "4"
	case "pac_fallback":
		if cfg.PAC == "" {
			return ""
		}
		if len(cfg.Parents) > 0 {
			return `"parents"`
		}
		return `"fail"`
	}
	return keyDefaults[path]
}
