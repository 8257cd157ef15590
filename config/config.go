package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/credentials"
	"github.com/ferryproxy/ferry/discover"
	"github.com/ferryproxy/ferry/internal/suggest"
	"github.com/ferryproxy/ferry/relay"
)

// Config is ferry's configuration once the file, the flags and the
// environment are merged and checked. Relay turns it into the relay's own
// config struct; Auth is auth's.
type Config struct {
	// File is the config file that was read; empty when there was none.
	File     string
	Listen   []string
	Parents  []string
	NoProxy  []string
	Auth     auth.Config
	Creds    Creds // where the password comes from, cntlm hashes (credentials.go)
	Timeouts Timeouts
	Limits   Limits
	Routing
	// NoNotify is notify = false: no desktop notifications (desktop.go).
	NoNotify bool
	// Warnings are problems that do not stop ferry, for the log.
	Warnings []string
	// Notes are facts worth a log line: where discovered settings came from.
	Notes []string
	// discovery says what system proxy discovery tried, when it found nothing.
	discovery string

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
	TunnelIdle     time.Duration
}

// Limits bound what apps can make ferry hold.
type Limits struct {
	MaxConnections int
	MaxHeaderBytes int
	// SpareConnections is limits.spare_connections (0: the default, 4);
	// NoSpares means the file set it to 0.
	SpareConnections int
	NoSpares         bool
}

const (
	// maxConfigSize bounds what ferry reads: a config is a few hundred bytes,
	// and a wrong --config (a log, a device) should not eat memory.
	maxConfigSize = 1 << 20
	// maxProblems bounds the messages for a file that is not a ferry.toml.
	maxProblems = 20
)

// Overrides are what the command line and environment put over the file.
type Overrides struct {
	Listen  []string // --listen, replaces the file's list when given
	Parents []string // --parent, replaces the file's list when given
	// User is --user (alice, DOMAIN\alice or alice@REALM): it replaces
	// auth.user, and with no password elsewhere the OS keyring is asked.
	User string
	// Getenv reads FERRY_PASSWORD and KRB5_CONFIG; nil means os.Getenv.
	Getenv func(string) string
	// Prompt, when set, asks for the password at start (ferry run --prompt).
	Prompt credentials.PasswordSource
	// NoSecrets leaves password_command, the keyring and Prompt unasked
	// (ferry config show).
	NoSecrets bool
	// Keyring is the OS keyring for auth.keyring; nil means the real one.
	Keyring credentials.KeyringStore
	// Discover finds the system's proxy settings for parents = ["auto"],
	// pac = "auto" and a run with no parent at all; nil: no discovery.
	Discover func() (discover.Settings, error)
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

// LoadFile reads and checks a config file. A missing file is an
// error wrapping fs.ErrNotExist.
func LoadFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, missingConfig(path)
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
	c, err := Parse(path, data)
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

// Parse decodes and checks the TOML in data; name is the file name
// used in messages. Checks that need the flags and environment (parents
// present, credentials complete) wait for Finish.
func Parse(name string, data []byte) (*Config, error) {
	c := &Config{File: name}
	var f fileConfig
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return nil, decodeError(name, string(data), err)
	}
	c.lines = KeyLines(string(data))

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
	c.Limits.NoSpares = f.Limits.SpareConnections.set && c.Limits.SpareConnections == 0
	c.Headers = f.Headers
	for _, t := range f.Tunnel {
		c.Tunnels = append(c.Tunnels, relay.Tunnel{Listen: t.Listen, Target: t.Target})
	}
	probs = append(probs, c.checkValues()...)
	probs = append(probs, c.checkCredentialKeys()...)
	c.passwordInFile = c.Auth.Password != "" || c.Creds.HasHash()
	if len(probs) > 0 {
		return nil, joinProblems(probs)
	}
	return c, nil
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
		if a == "auto" && len(c.Parents) == 1 {
			continue // filled in by discovery
		}
		if err := CheckParent(a); err != nil {
			probs = append(probs, c.problemAt("parents", err.Error()))
		}
	}
	probs = append(probs, c.checkRouting()...)
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
	if m := suggest.Closest(s, append(slices.Clone(schemes), "kerberos")); m != "" {
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
	if len(o.Listen) > 0 {
		probs = append(probs, c.checkGateway(func(_, msg string) *problem { return &problem{at: "--listen", msg: msg} })...)
	}
	if len(o.Parents) > 0 {
		c.Parents = slices.Clone(o.Parents)
		for _, a := range o.Parents {
			if err := CheckParent(a); err != nil {
				probs = append(probs, &problem{at: "--parent", msg: err.Error()})
			}
		}
	}
	if len(c.Listen) == 0 {
		// Both loopbacks where the host has ::1 (the relay expands
		// localhost): apps that resolve localhost to ::1 first reach ferry.
		c.Listen = []string{"localhost:3128"}
	}
	if o.User != "" {
		c.Auth.User = o.User
	}
	c.Creds.from(o)
	if pw := getenv("FERRY_PASSWORD"); pw != "" {
		c.Auth.Password, c.Creds.PasswordFrom = pw, "FERRY_PASSWORD"
	}
	c.Creds.askKeyring = o.User != "" && c.Auth.Password == "" && !c.Creds.HasHash() &&
		!c.Creds.passwordPending() && c.Auth.Keytab == ""
	if kc := getenv("KRB5_CONFIG"); kc != "" {
		c.Auth.Krb5Conf = kc
	}
	c.Auth.Scheme = normalScheme(c.Auth.Scheme)

	if p := c.discover(o.Discover); p != nil {
		probs = append(probs, p)
	} else if len(c.Parents) == 0 && c.PAC == "" {
		probs = append(probs, c.noParents())
	}
	probs = append(probs, c.checkCredentials()...)
	probs = append(probs, c.checkSelfParents(len(o.Parents) > 0)...)
	probs = append(probs, c.checkSelfTunnels()...)
	if len(probs) > 0 {
		return joinProblems(probs)
	}
	if o.NoSecrets {
		return nil
	}
	// Last, once the rest is sound: a password command or a prompt should
	// not run for a config that cannot start anyway.
	if p := c.resolvePassword(); p != nil {
		return joinProblems([]*problem{p})
	}
	return nil
}

// missingConfig is a --config FILE that is not there. It wraps
// fs.ErrNotExist without repeating its words.
type missingConfig string

func (m missingConfig) Error() string {
	return fmt.Sprintf("config file %s does not exist: check the path, or write it with 'ferry init --config %s'", string(m), string(m))
}

func (missingConfig) Unwrap() error { return fs.ErrNotExist }

// initHint is how every "no config" message ends: ferry init finds the
// parent, tests the logon and writes the file.
const initHint = "or run 'ferry init' to find the parent, test the logon and write a config file"

func (c *Config) noParents() *problem {
	p := &problem{msg: "no parent proxy: pass --parent HOST:PORT or --config FILE, " + initHint}
	switch {
	case c.File != "":
		p = &problem{at: c.File, msg: `no parent proxy: add parents = ["proxy.corp.example:8080"] at the top of the file, or pass --parent HOST:PORT`}
	case c.searched != "":
		p = &problem{msg: fmt.Sprintf("no parent proxy and no config file (none at %s): run 'ferry init' to find the parent, test the logon and write one, or pass --parent HOST:PORT", c.searched)}
	}
	if c.discovery != "" {
		p.msg += "; " + c.discovery
	}
	return p
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
	// A password that a source gives at the end of Finish counts as set.
	hasPassword := a.Password != "" || c.Creds.passwordPending()
	hasHash := len(a.NTHash) > 0 || len(a.NTLMv2Hash) > 0
	switch a.Scheme {
	case "none":
		return nil
	case "ntlm", "digest", "basic":
		if a.User == "" {
			need("user", addUser)
		}
		switch {
		case hasPassword, hasHash && a.Scheme == "ntlm":
		case hasHash:
			need("password", "pass_nt and pass_ntlmv2 serve NTLM only; "+addPassword)
		default:
			need("password", addPassword)
		}
	case "auto":
		if a.User != "" && !hasPassword && !hasHash && a.Keytab == "" {
			c.Warnings = append(c.Warnings, fmt.Sprintf(
				"user %s has no password (FERRY_PASSWORD or auth.password): only %s can be used; %s are off",
				a.Identity(), auth.OSSingleSignOn.Schemes, auth.OSSingleSignOn.Off))
		}
	}
	switch {
	case a.User != "" || (!hasPassword && !hasHash):
	case c.passwordInFile || c.Creds.PasswordCommand != "" || c.Creds.Keyring:
		probs = append(probs, c.problemAt(c.Creds.secretKey(), "a password is set but no user: "+addUser))
	default:
		c.Warnings = append(c.Warnings, c.Creds.sourceName()+" is set but no user is configured, so it is not used: pass --user USER, or add user = \"alice\" under [auth]")
	}
	probs = append(probs, c.checkLegacy()...)
	if a.Keytab != "" && a.User == "" {
		probs = append(probs, c.problemAt("auth.keytab", `auth.keytab needs the principal it holds: add user = "alice" under [auth]`))
	}
	return probs
}

// joinProblems puts the problems in the file's order, so that the first
// message is the first line to fix.
func joinProblems(probs []*problem) error {
	slices.SortStableFunc(probs, func(a, b *problem) int { return a.line - b.line })
	if len(probs) > maxProblems {
		more := &problem{msg: fmt.Sprintf("and %d more problems", len(probs)-maxProblems)}
		probs = append(probs[:maxProblems], more)
	}
	errs := make([]error, len(probs))
	for i, p := range probs {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// DefaultPath is ferry.toml in the user's config directory:
// $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on
// macOS, %APPDATA% on Windows.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "ferry", "ferry.toml"), nil
}

// SystemPath is the config file of a system-wide service:
// /etc/ferry/ferry.toml, /Library/Application Support/ferry/ferry.toml on
// macOS, %ProgramData%\ferry\ferry.toml on Windows.
func SystemPath() string {
	switch runtime.GOOS {
	case "windows":
		dir := os.Getenv("ProgramData")
		if dir == "" {
			dir = `C:\ProgramData`
		}
		return filepath.Join(dir, "ferry", "ferry.toml")
	case "darwin":
		return "/Library/Application Support/ferry/ferry.toml"
	}
	return "/etc/ferry/ferry.toml"
}

// Load reads the file named by --config, or the default file when it
// exists, and puts o over it. The Config is returned even with an error from
// Finish so that its warnings can be shown.
func Load(path string, o Overrides) (*Config, error) {
	var c *Config
	if path != "" {
		var err error
		if c, err = LoadFile(path); err != nil {
			return nil, err
		}
	} else {
		def, err := DefaultPath()
		switch {
		case err != nil:
			c = &Config{}
		default:
			c, err = LoadFile(def)
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

// PasswordInFile says whether the file itself holds a password or a hash
// (auth.password, pass_nt...), which a service can read without the
// user's environment.
func (c *Config) PasswordInFile() bool { return c.passwordInFile }
