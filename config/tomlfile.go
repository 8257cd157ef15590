package config

// This file holds the shape of ferry.toml and turns the decoder's view of
// it into Config fields and messages that point at a line.

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/ferryproxy/ferry/internal/suggest"
)

// raw keeps a value as the file wrote it, so that a wrong type is reported
// with its line and an example of the right form, rather than as the
// decoder's first type mismatch.
type raw struct {
	v   any
	set bool
}

func (r *raw) UnmarshalTOML(v any) error {
	r.v, r.set = v, true
	return nil
}

// fileConfig mirrors ferry.toml.
type fileConfig struct {
	Listen  raw        `toml:"listen"`
	Parents raw        `toml:"parents"`
	NoProxy raw        `toml:"no_proxy"`
	Auth    fileAuth   `toml:"auth"`
	Timeout fileTimes  `toml:"timeouts"`
	Limits  fileLimits `toml:"limits"`
	// Routing and listeners beyond the HTTP proxy (routing.go).
	SOCKS5         raw               `toml:"socks5"`
	Allow          raw               `toml:"allow"`
	Deny           raw               `toml:"deny"`
	DirectFallback raw               `toml:"direct_fallback"`
	Headers        map[string]string `toml:"headers"`
	Tunnel         []fileTunnel      `toml:"tunnel"`
	PAC            raw               `toml:"pac"`
	PACFallback    raw               `toml:"pac_fallback"`
	PACRefresh     raw               `toml:"pac_refresh"`
	Notify         raw               `toml:"notify"`
}

type fileLimits struct {
	MaxConnections   raw `toml:"max_connections"`
	MaxHeaderBytes   raw `toml:"max_header_bytes"`
	SpareConnections raw `toml:"spare_connections"`
}

type fileAuth struct {
	AllowHosts      raw `toml:"allow_hosts"`
	Scheme          raw `toml:"scheme"`
	User            raw `toml:"user"`
	Domain          raw `toml:"domain"`
	Password        raw `toml:"password"`
	Realm           raw `toml:"realm"`
	Keytab          raw `toml:"keytab"`
	Workstation     raw `toml:"workstation"`
	PasswordCommand raw `toml:"password_command"`
	Keyring         raw `toml:"keyring"`
	PassLM          raw `toml:"pass_lm"`
	PassNT          raw `toml:"pass_nt"`
	PassNTLMv2      raw `toml:"pass_ntlmv2"`
	LegacyNTLM      raw `toml:"legacy_ntlm"`
	LockoutCooldown raw `toml:"lockout_cooldown"`
}

type fileTimes struct {
	Connect        raw `toml:"connect"`
	ResponseHeader raw `toml:"response_header"`
	PoolIdle       raw `toml:"pool_idle"`
	ClientIdle     raw `toml:"client_idle"`
	ReadHeader     raw `toml:"read_header"`
	Shutdown       raw `toml:"shutdown"`
	TunnelIdle     raw `toml:"tunnel_idle"`
}

type kind int

const (
	kindList kind = iota
	kindString
	kindDuration
	kindInt
	kindBool
)

// setting is one key of the file: where its value lands and how to write it.
type setting struct {
	path    string // "auth.user"
	kind    kind
	example string // a right value, shown in errors
	from    *raw
	str     *string
	list    *[]string
	dur     *time.Duration
	num     *int
	flag    *bool
	min     int // smallest allowed value of a kindInt
	// invert stores a kindBool negated: the key defaults to true, the
	// field to false (notify = false sets NoNotify).
	invert bool
}

// settings lists every key ferry knows, in the order of the documentation.
func settings(f *fileConfig, c *Config) []setting {
	return []setting{
		{path: "listen", kind: kindList, example: `["127.0.0.1:3128"]`, from: &f.Listen, list: &c.Listen},
		{path: "parents", kind: kindList, example: `["proxy.corp.example:8080"]`, from: &f.Parents, list: &c.Parents},
		{path: "socks5", kind: kindList, example: `["127.0.0.1:1080"]`, from: &f.SOCKS5, list: &c.SOCKS5},
		{path: "allow", kind: kindList, example: `["172.17.0.0/16"]`, from: &f.Allow, list: &c.Allow},
		{path: "deny", kind: kindList, example: `["172.17.0.66"]`, from: &f.Deny, list: &c.Deny},
		{path: "direct_fallback", kind: kindBool, example: `true`, from: &f.DirectFallback, flag: &c.DirectFallback},
		{path: "pac", kind: kindString, example: `"http://wpad.corp.example/wpad.dat"`, from: &f.PAC, str: &c.PAC},
		{path: "pac_fallback", kind: kindString, example: `"parents"`, from: &f.PACFallback, str: &c.PACFallback},
		{path: "pac_refresh", kind: kindDuration, example: `"5m"`, from: &f.PACRefresh, dur: &c.PACRefresh},
		{path: "notify", kind: kindBool, example: `false`, from: &f.Notify, flag: &c.NoNotify, invert: true},
		{path: "auth.allow_hosts", kind: kindList, example: `["proxy.corp.example", "10.0.0.0/8"]`, from: &f.Auth.AllowHosts, list: &c.AllowHosts},
		{path: "no_proxy", kind: kindList, example: `["localhost", "127.0.0.0/8", "*.corp.example"]`, from: &f.NoProxy, list: &c.NoProxy},
		{path: "auth.scheme", kind: kindString, example: `"auto"`, from: &f.Auth.Scheme, str: &c.Auth.Scheme},
		{path: "auth.user", kind: kindString, example: `"alice"`, from: &f.Auth.User, str: &c.Auth.User},
		{path: "auth.domain", kind: kindString, example: `"CORP"`, from: &f.Auth.Domain, str: &c.Auth.Domain},
		{path: "auth.password", kind: kindString, example: `"secret"`, from: &f.Auth.Password, str: &c.Auth.Password},
		{path: "auth.realm", kind: kindString, example: `"CORP.EXAMPLE"`, from: &f.Auth.Realm, str: &c.Auth.Realm},
		{path: "auth.keytab", kind: kindString, example: `"/etc/ferry/alice.keytab"`, from: &f.Auth.Keytab, str: &c.Auth.Keytab},
		{path: "auth.workstation", kind: kindString, example: `"LAPTOP1"`, from: &f.Auth.Workstation, str: &c.Auth.Workstation},
		{path: "auth.password_command", kind: kindString, example: `"pass show corp/ad"`, from: &f.Auth.PasswordCommand, str: &c.Creds.PasswordCommand},
		{path: "auth.keyring", kind: kindBool, example: `true`, from: &f.Auth.Keyring, flag: &c.Creds.Keyring},
		{path: "auth.pass_lm", kind: kindString, example: `"1AD35398BE6565DDB5C4EF70C0593492"`, from: &f.Auth.PassLM, str: &c.Creds.PassLM},
		{path: "auth.pass_nt", kind: kindString, example: `"5B0B63BF9AEF4235497DB1183CF027AD"`, from: &f.Auth.PassNT, str: &c.Creds.PassNT},
		{path: "auth.pass_ntlmv2", kind: kindString, example: `"0C71015B7525950556A51BB9961A9CB4"`, from: &f.Auth.PassNTLMv2, str: &c.Creds.PassNTLMv2},
		{path: "auth.legacy_ntlm", kind: kindBool, example: `true`, from: &f.Auth.LegacyNTLM, flag: &c.Auth.LegacyNTLM},
		{path: "auth.lockout_cooldown", kind: kindDuration, example: `"10m"`, from: &f.Auth.LockoutCooldown, dur: &c.Auth.LockoutCooldown},
		{path: "timeouts.connect", kind: kindDuration, example: `"10s"`, from: &f.Timeout.Connect, dur: &c.Timeouts.Connect},
		{path: "timeouts.response_header", kind: kindDuration, example: `"60s"`, from: &f.Timeout.ResponseHeader, dur: &c.Timeouts.ResponseHeader},
		{path: "timeouts.pool_idle", kind: kindDuration, example: `"60s"`, from: &f.Timeout.PoolIdle, dur: &c.Timeouts.PoolIdle},
		{path: "timeouts.client_idle", kind: kindDuration, example: `"120s"`, from: &f.Timeout.ClientIdle, dur: &c.Timeouts.ClientIdle},
		{path: "timeouts.read_header", kind: kindDuration, example: `"30s"`, from: &f.Timeout.ReadHeader, dur: &c.Timeouts.ReadHeader},
		{path: "timeouts.shutdown", kind: kindDuration, example: `"10s"`, from: &f.Timeout.Shutdown, dur: &c.Timeouts.Shutdown},
		{path: "timeouts.tunnel_idle", kind: kindDuration, example: `"1h"`, from: &f.Timeout.TunnelIdle, dur: &c.Timeouts.TunnelIdle},
		{path: "limits.max_connections", kind: kindInt, example: `4096`, min: 1, from: &f.Limits.MaxConnections, num: &c.Limits.MaxConnections},
		{path: "limits.max_header_bytes", kind: kindInt, example: `65536`, min: 4096, from: &f.Limits.MaxHeaderBytes, num: &c.Limits.MaxHeaderBytes},
		{path: "limits.spare_connections", kind: kindInt, example: `4`, min: 0, from: &f.Limits.SpareConnections, num: &c.Limits.SpareConnections},
	}
}

// tables are the [sections] of the file.
var tables = []string{"auth", "timeouts", "limits", "headers", "tunnel"}

// knownKeys returns the keys directly in table ("" for the top level).
func knownKeys(table string) []string {
	var out []string
	if table == "" {
		out = append(out, "listen", "parents", "no_proxy", "socks5", "allow", "deny", "direct_fallback", "pac", "pac_fallback", "pac_refresh", "notify")
	}
	for _, s := range settings(&fileConfig{}, &Config{}) {
		t, name := splitPath(s.path)
		if t == table && table != "" {
			out = append(out, name)
		}
	}
	return out
}

func splitPath(path string) (table, name string) {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i], path[i+1:]
	}
	return "", path
}

var keyOnLine = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)\s*=`)

// lastKeyError matches the decoder's errors that are not ParseErrors.
var lastKeyError = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

func decodeError(name, src string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := "syntax error: " + pe.Message
		lines := strings.Split(src, "\n")
		key := pe.LastKey
		if n := pe.Position.Line; n >= 1 && n <= len(lines) {
			line := strings.TrimRight(lines[n-1], "\r")
			msg += fmt.Sprintf("\n    %d | %s", n, printable(line))
			if m := keyOnLine.FindStringSubmatch(line); m != nil {
				key = m[1]
			}
		}
		if _, help, ok := strings.Cut(errorWithUsage(pe), "Error help:\n"); ok {
			msg += "\n" + strings.TrimRight(help, "\n")
		} else if ex := exampleFor(key); ex != "" && !strings.Contains(pe.Message, "already been defined") {
			// Most slips are an unquoted string or duration: show the form.
			msg += "\n    write it like: " + ex
		}
		return &problem{at: fmt.Sprintf("%s:%d", name, pe.Position.Line), msg: msg}
	}
	if m := lastKeyError.FindStringSubmatch(err.Error()); m != nil {
		at := name + ":" + m[1]
		if slices.Contains(tables, m[2]) && strings.Contains(m[3], "expected table") {
			return &problem{at: at, msg: fmt.Sprintf("%s must be a table: write [%s] on a line of its own, then its keys below it", m[2], m[2])}
		}
		return &problem{at: at, msg: m[2] + ": " + m[3]}
	}
	return &problem{at: name, msg: strings.TrimPrefix(err.Error(), "toml: ")}
}

// exampleFor returns a well-formed line for the key, or "". The parser's
// last key may lack its table ("lockout_cooldown" for auth.lockout_cooldown).
func exampleFor(key string) string {
	for _, s := range settings(&fileConfig{}, &Config{}) {
		if _, name := splitPath(s.path); s.path == key || name == key {
			return name + " = " + s.example
		}
	}
	return ""
}

// unknownKeys reports keys ferry does not know, with the key the user
// probably meant. The decoder matches field names case-insensitively, so
// keys that differ from ours only in case are caught here too.
func (c *Config) unknownKeys(md toml.MetaData) []*problem {
	known := map[string]bool{}
	for _, t := range tables {
		known[t] = true
	}
	for _, s := range settings(&fileConfig{}, &Config{}) {
		known[s.path] = true
	}
	known["tunnel.listen"], known["tunnel.target"] = true, true
	bad := map[string]bool{}
	var keys []toml.Key
	for _, k := range md.Undecoded() {
		keys = append(keys, k)
		bad[strings.Join(k, ".")] = true
	}
	for _, k := range md.Keys() {
		if p := strings.Join(k, "."); !known[p] && !bad[p] && !strings.HasPrefix(p, "headers.") {
			keys = append(keys, k)
			bad[p] = true
		}
	}
	var probs []*problem
	reported := map[string]bool{}
outer:
	for _, k := range keys {
		path := strings.Join(k, ".")
		for i := 1; i < len(k); i++ {
			if reported[strings.Join(k[:i], ".")] {
				continue outer // inside an unknown table already reported
			}
		}
		reported[path] = true
		isTable := md.Type(k...) == "Hash"
		probs = append(probs, c.problemAt(path, unknownKeyMessage(k, isTable)))
	}
	return probs
}

func unknownKeyMessage(k toml.Key, isTable bool) string {
	name := k[len(k)-1]
	table := strings.Join(k[:len(k)-1], ".")
	switch {
	case table == "" && isTable:
		if s := suggest.Closest(name, tables); s != "" {
			return fmt.Sprintf("unknown table [%s]: did you mean [%s]?", name, s)
		}
		return fmt.Sprintf("unknown table [%s]: the tables are [auth], [timeouts], [limits], [headers] and [[tunnel]]", name)
	case table == "":
		for _, t := range tables {
			if s := suggest.Closest(name, knownKeys(t)); s != "" && suggest.Fold(s) == suggest.Fold(name) {
				return fmt.Sprintf("unknown key %q: it belongs in the [%s] table: move it below the [%s] line", name, t, t)
			}
		}
		if s := suggest.Closest(name, append(knownKeys(""), tables...)); s != "" {
			return fmt.Sprintf("unknown key %q: did you mean %q?", name, s)
		}
		return fmt.Sprintf("unknown key %q: the keys are listen, parents, no_proxy, socks5, allow, deny, direct_fallback, pac, pac_fallback, pac_refresh, notify and the tables [auth], [timeouts], [limits], [headers] and [[tunnel]]", name)
	case slices.Contains(tables, table):
		if s := suggest.Closest(name, knownKeys("")); s != "" && suggest.Fold(s) == suggest.Fold(name) {
			return fmt.Sprintf("unknown key %q in [%s]: %s belongs at the top of the file, before the first [table] line", name, table, s)
		}
		if s := suggest.Closest(name, knownKeys(table)); s != "" {
			return fmt.Sprintf("unknown key %q in [%s]: did you mean %q?", name, table, s)
		}
		return fmt.Sprintf("unknown key %q in [%s]: the keys are %s", name, table, strings.Join(knownKeys(table), ", "))
	}
	return fmt.Sprintf("unknown key %q", strings.Join(k, "."))
}

// convert stores a raw value in its Config field, or says what is wrong.
func (c *Config) convert(s setting) *problem {
	_, name := splitPath(s.path)
	bad := func(format string, args ...any) *problem {
		return c.problemAt(s.path, fmt.Sprintf(format, args...))
	}
	switch s.kind {
	case kindString:
		v, ok := s.from.v.(string)
		if !ok {
			return bad("%s must be a string, found %s: write %s = %s", s.path, tomlType(s.from.v), name, s.example)
		}
		*s.str = v
	case kindList:
		switch v := s.from.v.(type) {
		case string:
			*s.list = []string{v}
		case []any:
			list := make([]string, 0, len(v))
			for _, e := range v {
				str, ok := e.(string)
				if !ok {
					return bad("%s must be a list of strings, found %s in it: write %s = %s", s.path, tomlType(e), name, s.example)
				}
				list = append(list, str)
			}
			*s.list = list
		default:
			return bad("%s must be a list of strings, found %s: write %s = %s", s.path, tomlType(s.from.v), name, s.example)
		}
	case kindDuration:
		v, ok := s.from.v.(string)
		if !ok {
			if _, isNum := s.from.v.(int64); isNum {
				return bad("%s = %v has no unit: write %s = \"%vs\" (units: ms, s, m, h)", s.path, s.from.v, name, s.from.v)
			}
			return bad("%s must be a duration string, found %s: write %s = %s", s.path, tomlType(s.from.v), name, s.example)
		}
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < 0 {
			return bad("%s %q is not a duration: write e.g. %s = %s (units: ms, s, m, h)", s.path, v, name, s.example)
		}
		*s.dur = d
	case kindInt:
		v, ok := s.from.v.(int64)
		if !ok {
			return bad("%s must be a whole number, found %s: write %s = %s", s.path, tomlType(s.from.v), name, s.example)
		}
		if v < int64(s.min) || v > 1<<30 {
			return bad("%s = %d is out of range: write a number from %d up, e.g. %s = %s", s.path, v, s.min, name, s.example)
		}
		*s.num = int(v)
	case kindBool:
		v, ok := s.from.v.(bool)
		if !ok {
			return bad("%s must be true or false, found %s: write %s = %s", s.path, tomlType(s.from.v), name, s.example)
		}
		*s.flag = v != s.invert
	}
	return nil
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("%T", v)
}

// printable shortens a source line and hides control bytes, in case the
// file is not a ferry.toml at all (a binary, a log).
func printable(line string) string {
	const limit = 100
	cut := len(line) > limit
	if cut {
		line = line[:limit]
	}
	line = strings.Map(func(r rune) rune {
		if r == '\t' || unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, strings.ToValidUTF8(line, "?"))
	if cut {
		line += "..."
	}
	return line
}

// errorWithUsage is pe.ErrorWithUsage, which panics on some inputs in
// BurntSushi/toml v1.6.0 (an unterminated string at the end of the file,
// found by FuzzLoadConfig); the plain message then serves.
func errorWithUsage(pe toml.ParseError) (s string) {
	defer func() {
		if recover() != nil {
			s = pe.Error()
		}
	}()
	return pe.ErrorWithUsage()
}

// Keys are the key paths ferry.toml knows ("listen", "auth.user"), in the
// documentation's order; [headers] and [[tunnel]] are tables of their own
// and not listed.
func Keys() []string {
	var out []string
	for _, s := range settings(&fileConfig{}, &Config{}) {
		out = append(out, s.path)
	}
	return out
}
