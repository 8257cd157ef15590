package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ferryproxy/ferry/auth"
)

// Config is ferry's configuration once the file, the flags and the
// environment are merged and checked. run.go turns it into the libraries'
// own config structs.
type Config struct {
	// File is the config file that was read; empty when there was none.
	File     string
	Listen   []string
	Parents  []string
	NoProxy  []string
	Auth     auth.Config
	Timeouts Timeouts
	// Warnings are problems that do not stop ferry, for the log.
	Warnings []string

	lines          map[string]int // key path -> line in File
	passwordInFile bool
	searched       string // default path looked at when File is empty
}

// Timeouts mirror relay.Config's; zero picks the relay's default.
type Timeouts struct {
	Connect        time.Duration
	ResponseHeader time.Duration
	PoolIdle       time.Duration
	ClientIdle     time.Duration
	ReadHeader     time.Duration
	Shutdown       time.Duration
}

const (
	defaultListen = "127.0.0.1:3128"
	// maxConfigSize bounds what ferry reads: a config is a few hundred bytes,
	// and a wrong --config (a log, a device) should not eat memory.
	maxConfigSize = 1 << 20
)

// Overrides are what the command line and environment put over the file.
type Overrides struct {
	Listen  []string // --listen, replaces the file's list when given
	Parents []string // --parent, replaces the file's list when given
	// Getenv reads FERRY_PASSWORD and KRB5_CONFIG; nil means os.Getenv.
	Getenv func(string) string
}

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
	Listen  raw       `toml:"listen"`
	Parents raw       `toml:"parents"`
	NoProxy raw       `toml:"no_proxy"`
	Auth    fileAuth  `toml:"auth"`
	Timeout fileTimes `toml:"timeouts"`
}

type fileAuth struct {
	Scheme          raw `toml:"scheme"`
	User            raw `toml:"user"`
	Domain          raw `toml:"domain"`
	Password        raw `toml:"password"`
	Realm           raw `toml:"realm"`
	Keytab          raw `toml:"keytab"`
	Workstation     raw `toml:"workstation"`
	LockoutCooldown raw `toml:"lockout_cooldown"`
}

type fileTimes struct {
	Connect        raw `toml:"connect"`
	ResponseHeader raw `toml:"response_header"`
	PoolIdle       raw `toml:"pool_idle"`
	ClientIdle     raw `toml:"client_idle"`
	ReadHeader     raw `toml:"read_header"`
	Shutdown       raw `toml:"shutdown"`
}

type kind int

const (
	kindList kind = iota
	kindString
	kindDuration
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
}

// settings lists every key ferry knows, in the order of the documentation.
func settings(f *fileConfig, c *Config) []setting {
	return []setting{
		{path: "listen", kind: kindList, example: `["127.0.0.1:3128"]`, from: &f.Listen, list: &c.Listen},
		{path: "parents", kind: kindList, example: `["proxy.corp.example:8080"]`, from: &f.Parents, list: &c.Parents},
		{path: "no_proxy", kind: kindList, example: `["localhost", "127.0.0.0/8", "*.corp.example"]`, from: &f.NoProxy, list: &c.NoProxy},
		{path: "auth.scheme", kind: kindString, example: `"auto"`, from: &f.Auth.Scheme, str: &c.Auth.Scheme},
		{path: "auth.user", kind: kindString, example: `"alice"`, from: &f.Auth.User, str: &c.Auth.User},
		{path: "auth.domain", kind: kindString, example: `"CORP"`, from: &f.Auth.Domain, str: &c.Auth.Domain},
		{path: "auth.password", kind: kindString, example: `"secret"`, from: &f.Auth.Password, str: &c.Auth.Password},
		{path: "auth.realm", kind: kindString, example: `"CORP.EXAMPLE"`, from: &f.Auth.Realm, str: &c.Auth.Realm},
		{path: "auth.keytab", kind: kindString, example: `"/etc/ferry/alice.keytab"`, from: &f.Auth.Keytab, str: &c.Auth.Keytab},
		{path: "auth.workstation", kind: kindString, example: `"LAPTOP1"`, from: &f.Auth.Workstation, str: &c.Auth.Workstation},
		{path: "auth.lockout_cooldown", kind: kindDuration, example: `"10m"`, from: &f.Auth.LockoutCooldown, dur: &c.Auth.LockoutCooldown},
		{path: "timeouts.connect", kind: kindDuration, example: `"10s"`, from: &f.Timeout.Connect, dur: &c.Timeouts.Connect},
		{path: "timeouts.response_header", kind: kindDuration, example: `"60s"`, from: &f.Timeout.ResponseHeader, dur: &c.Timeouts.ResponseHeader},
		{path: "timeouts.pool_idle", kind: kindDuration, example: `"60s"`, from: &f.Timeout.PoolIdle, dur: &c.Timeouts.PoolIdle},
		{path: "timeouts.client_idle", kind: kindDuration, example: `"120s"`, from: &f.Timeout.ClientIdle, dur: &c.Timeouts.ClientIdle},
		{path: "timeouts.read_header", kind: kindDuration, example: `"30s"`, from: &f.Timeout.ReadHeader, dur: &c.Timeouts.ReadHeader},
		{path: "timeouts.shutdown", kind: kindDuration, example: `"10s"`, from: &f.Timeout.Shutdown, dur: &c.Timeouts.Shutdown},
	}
}

// tables are the [sections] of the file.
var tables = []string{"auth", "timeouts"}

// knownKeys returns the keys directly in table ("" for the top level).
func knownKeys(table string) []string {
	var out []string
	if table == "" {
		out = append(out, "listen", "parents", "no_proxy")
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

// problem is one thing wrong in the configuration, at a file line or a flag.
type problem struct {
	at   string // "ferry.toml:4", "ferry.toml", "--parent" or ""
	line int    // for sorting; 0 when not at a line
	msg  string
}

func (p *problem) Error() string {
	if p.at == "" {
		return p.msg
	}
	return p.at + ": " + p.msg
}

// problemAt is a problem with the key path, at its line in the file.
func (c *Config) problemAt(path, msg string) *problem {
	p := &problem{msg: msg}
	if c.File != "" {
		p.at = c.File
		if n := lineOf(c.lines, path); n > 0 {
			p.at, p.line = fmt.Sprintf("%s:%d", c.File, n), n
		}
	}
	return p
}

// LoadConfigFile reads and checks a config file. A missing file is an
// error wrapping fs.ErrNotExist.
func LoadConfigFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config file %s does not exist: %w", path, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("config file %s is a directory: name the ferry.toml inside it", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("config file %s is larger than %d bytes: is it the right file?", path, maxConfigSize)
	}
	c, err := ParseConfig(path, data)
	if err != nil {
		return nil, err
	}
	if c.passwordInFile {
		if w := permWarning(path, info.Mode()); w != "" {
			c.Warnings = append(c.Warnings, w)
		}
	}
	return c, nil
}

// ParseConfig decodes and checks the TOML in data; name is the file name
// used in messages. Checks that need the flags and environment (parents
// present, credentials complete) wait for Finish.
func ParseConfig(name string, data []byte) (*Config, error) {
	c := &Config{File: name}
	var f fileConfig
	md, err := toml.NewDecoder(strings.NewReader(string(data))).Decode(&f)
	if err != nil {
		return nil, decodeError(name, string(data), err)
	}
	c.lines = keyLines(string(data))

	var probs []*problem
	probs = append(probs, c.unknownKeys(md)...)
	for _, s := range settings(&f, c) {
		if !s.from.set {
			continue
		}
		if p := c.convert(s); p != nil {
			probs = append(probs, p)
		}
	}
	probs = append(probs, c.checkValues()...)
	c.passwordInFile = c.Auth.Password != ""
	if len(probs) > 0 {
		return nil, joinProblems(probs)
	}
	return c, nil
}

// lastKeyError matches the decoder's errors that are not ParseErrors.
var lastKeyError = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

func decodeError(name, src string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := "syntax error: " + pe.Message
		lines := strings.Split(src, "\n")
		if n := pe.Position.Line; n >= 1 && n <= len(lines) {
			msg += fmt.Sprintf("\n    %d | %s", n, strings.TrimRight(lines[n-1], "\r"))
		}
		if _, help, ok := strings.Cut(pe.ErrorWithUsage(), "Error help:\n"); ok {
			msg += "\n" + strings.TrimRight(help, "\n")
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
	bad := map[string]bool{}
	var keys []toml.Key
	for _, k := range md.Undecoded() {
		keys = append(keys, k)
		bad[strings.Join(k, ".")] = true
	}
	for _, k := range md.Keys() {
		if p := strings.Join(k, "."); !known[p] && !bad[p] {
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
		if s := closest(name, tables); s != "" {
			return fmt.Sprintf("unknown table [%s]: did you mean [%s]?", name, s)
		}
		return fmt.Sprintf("unknown table [%s]: the tables are [auth] and [timeouts]", name)
	case table == "":
		for _, t := range tables {
			if s := closest(name, knownKeys(t)); s != "" && fold(s) == fold(name) {
				return fmt.Sprintf("unknown key %q: it belongs in the [%s] table: move it below the [%s] line", name, t, t)
			}
		}
		if s := closest(name, append(knownKeys(""), tables...)); s != "" {
			return fmt.Sprintf("unknown key %q: did you mean %q?", name, s)
		}
		return fmt.Sprintf("unknown key %q: the keys are listen, parents, no_proxy and the tables [auth] and [timeouts]", name)
	case slices.Contains(tables, table):
		if s := closest(name, knownKeys("")); s != "" && fold(s) == fold(name) {
			return fmt.Sprintf("unknown key %q in [%s]: %s belongs at the top of the file, before the first [table] line", name, table, s)
		}
		if s := closest(name, knownKeys(table)); s != "" {
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

// checkValues checks the values the file sets on their own.
func (c *Config) checkValues() []*problem {
	var probs []*problem
	for _, a := range c.Listen {
		if err := checkListen(a); err != nil {
			probs = append(probs, c.problemAt("listen", err.Error()))
		}
	}
	for _, a := range c.Parents {
		if err := checkParent(a); err != nil {
			probs = append(probs, c.problemAt("parents", err.Error()))
		}
	}
	for _, p := range c.NoProxy {
		if err := checkNoProxy(p); err != nil {
			probs = append(probs, c.problemAt("no_proxy", err.Error()))
		}
	}
	if err := checkScheme(c.Auth.Scheme); err != nil {
		probs = append(probs, c.problemAt("auth.scheme", err.Error()))
	}
	return probs
}

var schemes = []string{"auto", "negotiate", "ntlm", "digest", "basic", "none"}

func normalScheme(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "":
		return "auto"
	case "kerberos": // auth accepts it as Negotiate's other name
		return "negotiate"
	}
	return s
}

func checkScheme(s string) error {
	if slices.Contains(schemes, normalScheme(s)) {
		return nil
	}
	hint := ""
	if m := closest(s, append(slices.Clone(schemes), "kerberos")); m != "" {
		hint = fmt.Sprintf(" did you mean %q?", m)
	}
	return fmt.Errorf("auth.scheme %q is not known:%s use auto, negotiate, ntlm, digest, basic or none", s, hint)
}

// Finish puts the flags and environment over the file, fills defaults and
// checks what needs everything merged. c may be the empty Config when no
// file was read.
func (c *Config) Finish(o Overrides) error {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	var probs []*problem
	if len(o.Listen) > 0 {
		c.Listen = slices.Clone(o.Listen)
		for _, a := range o.Listen {
			if err := checkListen(a); err != nil {
				probs = append(probs, &problem{at: "--listen", msg: err.Error()})
			}
		}
	}
	if len(o.Parents) > 0 {
		c.Parents = slices.Clone(o.Parents)
		for _, a := range o.Parents {
			if err := checkParent(a); err != nil {
				probs = append(probs, &problem{at: "--parent", msg: err.Error()})
			}
		}
	}
	if len(c.Listen) == 0 {
		c.Listen = []string{defaultListen}
	}
	if pw := getenv("FERRY_PASSWORD"); pw != "" {
		c.Auth.Password = pw
	}
	if kc := getenv("KRB5_CONFIG"); kc != "" {
		c.Auth.Krb5Conf = kc
	}
	c.Auth.Scheme = normalScheme(c.Auth.Scheme)

	if len(c.Parents) == 0 {
		probs = append(probs, c.noParents())
	}
	probs = append(probs, c.checkCredentials()...)
	if len(probs) > 0 {
		return joinProblems(probs)
	}
	return nil
}

func (c *Config) noParents() *problem {
	switch {
	case c.File != "":
		return &problem{at: c.File, msg: `no parent proxy: add parents = ["proxy.corp.example:8080"] at the top of the file, or pass --parent HOST:PORT`}
	case c.searched != "":
		return &problem{msg: fmt.Sprintf("no parent proxy: pass --parent HOST:PORT, or write a config file (none at %s)", c.searched)}
	}
	return &problem{msg: "no parent proxy: pass --parent HOST:PORT or --config FILE"}
}

// checkCredentials refuses a scheme that cannot work with what is
// configured; every failed logon counts towards an Active Directory lockout,
// so it is better to stop here than to try.
func (c *Config) checkCredentials() []*problem {
	a := c.Auth
	var probs []*problem
	need := func(what, fix string) {
		probs = append(probs, c.problemAt("auth.scheme", fmt.Sprintf("auth.scheme %q needs a %s: %s", a.Scheme, what, fix)))
	}
	const (
		addUser     = `add user = "alice" under [auth]`
		addPassword = `set the FERRY_PASSWORD environment variable, or add password = "..." under [auth]`
	)
	switch a.Scheme {
	case "none":
		return nil
	case "ntlm", "digest", "basic":
		if a.User == "" {
			need("user", addUser)
		}
		if a.Password == "" {
			need("password", addPassword)
		}
	case "auto":
		if a.User != "" && a.Password == "" && a.Keytab == "" {
			c.Warnings = append(c.Warnings, fmt.Sprintf(
				"user %s has no password (FERRY_PASSWORD or auth.password): only Kerberos from the ticket cache (kinit) can be used; NTLM, Digest and Basic are off",
				a.Identity()))
		}
	}
	if a.Password != "" && a.User == "" {
		probs = append(probs, c.problemAt("auth.password", "a password is set but no user: " + addUser))
	}
	if a.Keytab != "" && a.User == "" {
		probs = append(probs, c.problemAt("auth.keytab", `auth.keytab needs the principal it holds: add user = "alice" under [auth]`))
	}
	return probs
}

// joinProblems puts the problems in the file's order, so that the first
// message is the first line to fix.
func joinProblems(probs []*problem) error {
	slices.SortStableFunc(probs, func(a, b *problem) int { return a.line - b.line })
	errs := make([]error, len(probs))
	for i, p := range probs {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// DefaultConfigPath is ferry.toml in the user's config directory:
// $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on
// macOS, %APPDATA% on Windows.
func DefaultConfigPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "ferry", "ferry.toml"), nil
}

// LoadConfig reads the file named by --config, or the default file when it
// exists, and puts o over it. The Config is returned even with an error from
// Finish so that its warnings can be shown.
func LoadConfig(path string, o Overrides) (*Config, error) {
	var c *Config
	if path != "" {
		var err error
		if c, err = LoadConfigFile(path); err != nil {
			return nil, err
		}
	} else {
		def, err := DefaultConfigPath()
		switch {
		case err != nil:
			c = &Config{}
		default:
			c, err = LoadConfigFile(def)
			if errors.Is(err, fs.ErrNotExist) {
				c, err = &Config{searched: def}, nil
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return c, c.Finish(o)
}
