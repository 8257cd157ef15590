package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// noEnv is a Getenv with nothing set, so that the tests do not depend on
// the developer's FERRY_PASSWORD or KRB5_CONFIG.
func noEnv(string) string { return "" }

func TestParseConfigReadsEveryKey(t *testing.T) {
	src := `# ferry.toml
listen   = ["127.0.0.1:3128", "[::1]:3128"]
parents  = ["proxy.corp.example:8080", "proxy2.corp.example:8080"]
no_proxy = ["localhost", "127.0.0.0/8", "*.corp.example"]
[auth]
scheme      = "NTLM"
user        = "alice"
domain      = "CORP"
password    = "pw"
realm       = "CORP.EXAMPLE"
keytab      = "/k.keytab"
workstation = "WS1"
lockout_cooldown = "5m"
[timeouts]
connect = "1s"
response_header = "2s"
pool_idle = "3s"
client_idle = "4s"
read_header = "5s"
shutdown = "1m30s"
tunnel_idle = "1h"
[limits]
max_connections = 100
max_header_bytes = 8192
`
	c, err := Parse("ferry.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(Overrides{Getenv: noEnv}); err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !equal(got, want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	check("Listen", c.Listen, []string{"127.0.0.1:3128", "[::1]:3128"})
	check("Parents", c.Parents, []string{"proxy.corp.example:8080", "proxy2.corp.example:8080"})
	check("NoProxy", c.NoProxy, []string{"localhost", "127.0.0.0/8", "*.corp.example"})
	check("Scheme", c.Auth.Scheme, "ntlm")
	check("User", c.Auth.User, "alice")
	check("Domain", c.Auth.Domain, "CORP")
	check("Password", c.Auth.Password, "pw")
	check("Realm", c.Auth.Realm, "CORP.EXAMPLE")
	check("Keytab", c.Auth.Keytab, "/k.keytab")
	check("Workstation", c.Auth.Workstation, "WS1")
	check("LockoutCooldown", c.Auth.LockoutCooldown, 5*time.Minute)
	check("Timeouts", c.Timeouts, Timeouts{time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second, 90 * time.Second, time.Hour})
	check("Limits", c.Limits, Limits{MaxConnections: 100, MaxHeaderBytes: 8192})
	check("Warnings", len(c.Warnings), 0)
}

func equal(a, b any) bool {
	if as, ok := a.([]string); ok {
		bs, ok := b.([]string)
		return ok && slices.Equal(as, bs)
	}
	return a == b
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // one message per problem, in order
	}{
		{
			name: "misspelt top-level key",
			src:  "listen = [\"127.0.0.1:3128\"]\n\n# parents\nparent = [\"proxy:8080\"]\n",
			want: []string{`ferry.toml:4: unknown key "parent": did you mean "parents"?`},
		},
		{
			name: "misspelt key in a table",
			src:  "parents = [\"p:1\"]\n[auth]\nuser = \"alice\"\npasword = \"x\"\n",
			want: []string{`ferry.toml:4: unknown key "pasword" in [auth]: did you mean "password"?`},
		},
		{
			name: "key written in another style",
			src:  "[timeouts]\nresponseHeader = \"1s\"\n",
			want: []string{`ferry.toml:2: unknown key "responseHeader" in [timeouts]: did you mean "response_header"?`},
		},
		{
			name: "key case differs",
			src:  "Parents = [\"p:1\"]\n",
			want: []string{`ferry.toml:1: unknown key "Parents": did you mean "parents"?`},
		},
		{
			name: "auth key at the top",
			src:  "parents = [\"p:1\"]\nuser = \"alice\"\n",
			want: []string{`ferry.toml:2: unknown key "user": it belongs in the [auth] table: move it below the [auth] line`},
		},
		{
			name: "top-level key after a table",
			src:  "[auth]\nuser = \"alice\"\nparents = [\"p:1\"]\n",
			want: []string{`ferry.toml:3: unknown key "parents" in [auth]: parents belongs at the top of the file, before the first [table] line`},
		},
		{
			name: "unknown table and its keys once",
			src:  "parents = [\"p:1\"]\n[timeout]\nconnect = \"1s\"\nshutdown = \"1s\"\n",
			want: []string{`ferry.toml:2: unknown table [timeout]: did you mean [timeouts]?`},
		},
		{
			name: "unknown key with no near match",
			src:  "colour = \"blue\"\n",
			want: []string{`ferry.toml:1: unknown key "colour": the keys are listen, parents, no_proxy, socks5, allow, deny, direct_fallback, pac, pac_fallback, pac_refresh, notify and the tables [auth], [timeouts], [limits], [headers] and [[tunnel]]`},
		},
		{
			name: "unknown key in an inline table",
			src:  "auth = { user = \"alice\", usr = \"bob\" }\n",
			want: []string{`ferry.toml:1: unknown key "usr" in [auth]: did you mean "user"?`},
		},
		{
			name: "several problems in file order",
			src:  "parents = [\"proxy\"]\nlisten = [\"0.0.0.0:3128\"]\n[timeouts]\nconnect = \"10\"\n",
			want: []string{
				`ferry.toml:1: parent "proxy" has no port: write host:port, e.g. "proxy:8080"`,
				`ferry.toml:2: listen address "0.0.0.0:3128" serves other machines, and there is no allow list: add allow = ["172.17.0.0/16"] with the addresses that may use ferry (Docker, WSL2, VMs), or listen on 127.0.0.1; ferry never runs as an open proxy`,
				`ferry.toml:4: timeouts.connect "10" is not a duration: write e.g. connect = "10s" (units: ms, s, m, h)`,
			},
		},
		{
			name: "syntax error",
			src:  "parents = [\"p:1\"\nlisten = 1\n",
			want: []string{"ferry.toml:2: syntax error: expected a comma (',') or array terminator (']'), but got 'l'\n    2 | listen = 1\n    write it like: listen = [\"127.0.0.1:3128\"]"},
		},
		{
			name: "unquoted duration",
			src:  "[auth]\nlockout_cooldown = 10m\n",
			want: []string{"ferry.toml:2: syntax error: expected a top-level item to end with a newline, comment, or EOF, but got 'm' instead\n    2 | lockout_cooldown = 10m\n    write it like: lockout_cooldown = \"10m\""},
		},
		{
			name: "syntax error with the parser's help",
			src:  "x = 1979-13-27\n",
			want: []string{"ferry.toml:1: syntax error: invalid datetime: \"1979-13-27\"\n    1 | x = 1979-13-27\n\n    A TOML datetime must be in one of the following formats:\n\n        2006-01-02T15:04:05Z07:00   Date and time, with timezone.\n        2006-01-02T15:04:05         Date and time, but without timezone.\n        2006-01-02                  Date without a time or timezone.\n        15:04:05                    Just a time, without any timezone.\n\n    Seconds may optionally have a fraction, up to nanosecond precision:\n\n        15:04:05.123\n        15:04:05.856018510"},
		},
		{
			name: "duplicate key",
			src:  "[auth]\nuser = \"a\"\nuser = \"b\"\n",
			want: []string{"ferry.toml:3: syntax error: Key 'auth.user' has already been defined.\n    3 | user = \"b\""},
		},
		{
			name: "limit out of range",
			src:  "parents = [\"p:1\"]\n[limits]\nmax_connections = 0\nmax_header_bytes = \"64k\"\n",
			want: []string{
				`ferry.toml:3: limits.max_connections = 0 is out of range: write a number from 1 up, e.g. max_connections = 4096`,
				`ferry.toml:4: limits.max_header_bytes must be a whole number, found a string: write max_header_bytes = 65536`,
			},
		},
		{
			name: "table given as a string",
			src:  "parents = [\"p:1\"]\nauth = \"basic\"\n",
			want: []string{`ferry.toml:2: auth must be a table: write [auth] on a line of its own, then its keys below it`},
		},
		{
			name: "wrong types",
			src:  "parents = [8080]\nlisten = 3128\n[auth]\nuser = 5\n[timeouts]\nshutdown = 10\nconnect = true\n",
			want: []string{
				`ferry.toml:1: parents must be a list of strings, found an integer in it: write parents = ["proxy.corp.example:8080"]`,
				`ferry.toml:2: listen must be a list of strings, found an integer: write listen = ["127.0.0.1:3128"]`,
				`ferry.toml:4: auth.user must be a string, found an integer: write user = "alice"`,
				`ferry.toml:6: timeouts.shutdown = 10 has no unit: write shutdown = "10s" (units: ms, s, m, h)`,
				`ferry.toml:7: timeouts.connect must be a duration string, found a boolean: write connect = "10s"`,
			},
		},
		{
			name: "negative duration",
			src:  "[auth]\nlockout_cooldown = \"-1m\"\n",
			want: []string{`ferry.toml:2: auth.lockout_cooldown "-1m" is not a duration: write e.g. lockout_cooldown = "10m" (units: ms, s, m, h)`},
		},
		{
			name: "parent forms",
			src: `parents = [
  "http://proxy:8080",
  "::1:8080",
  "proxy:0",
  "proxy:65536",
  "proxy:http",
  ":8080",
  "pro xy:8080",
]
`,
			want: []string{
				`ferry.toml:1: parent "http://proxy:8080": write host:port without "http://", e.g. "proxy:8080"`,
				`ferry.toml:1: parent "::1:8080" is not host:port: put an IPv6 address in brackets, e.g. "[::1]:8080"`,
				`ferry.toml:1: parent "proxy:0": port "0" is not a number from 1 to 65535`,
				`ferry.toml:1: parent "proxy:65536": port "65536" is not a number from 1 to 65535`,
				`ferry.toml:1: parent "proxy:http": port "http" is not a number from 1 to 65535`,
				`ferry.toml:1: parent ":8080" has no host: write host:port, e.g. "proxy.corp.example:8080"`,
				`ferry.toml:1: parent "pro xy:8080": host "pro xy" holds ' ', which no host name has`,
			},
		},
		{
			name: "listen forms",
			src:  "parents = [\"p:1\"]\n\nlisten = [\":3128\", \"localhost\", \"192.168.1.2:3128\", \"127.0.0.1:99999\"]\n",
			want: []string{
				`ferry.toml:3: listen address ":3128": an empty host means every interface: write 0.0.0.0:3128 for that (with an allow list), or 127.0.0.1:3128`,
				`ferry.toml:3: listen address "localhost" has no port: write host:port, e.g. "localhost:8080"`,
				`ferry.toml:3: listen address "127.0.0.1:99999": port "99999" is not a number from 0 to 65535`,
				`ferry.toml:3: listen address "192.168.1.2:3128" serves other machines, and there is no allow list: add allow = ["172.17.0.0/16"] with the addresses that may use ferry (Docker, WSL2, VMs), or listen on 127.0.0.1; ferry never runs as an open proxy`,
			},
		},
		{
			name: "no_proxy forms",
			src:  "no_proxy = [\"10.0.0.0/33\", \" \"]\n",
			want: []string{
				`ferry.toml:1: no_proxy "10.0.0.0/33" is not a CIDR block: write e.g. "10.0.0.0/8" or "fd00::/8"`,
				`ferry.toml:1: no_proxy has an empty pattern: remove it`,
			},
		},
		{
			name: "unknown scheme",
			src:  "[auth]\n\nscheme = \"kerbros\"\n",
			want: []string{`ferry.toml:3: auth.scheme "kerbros" is not known: did you mean "kerberos"? use auto, negotiate, ntlm, digest, basic or none`},
		},
		{
			name: "unknown scheme, nothing close",
			src:  "[auth]\nscheme = \"saml\"\n",
			want: []string{`ferry.toml:2: auth.scheme "saml" is not known: use auto, negotiate, ntlm, digest, basic or none`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("ferry.toml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error; config %+v", c)
			}
			assertProblems(t, err, tt.want)
		})
	}
}

func assertProblems(t *testing.T, err error, want []string) {
	t.Helper()
	var got []string
	var list interface{ Unwrap() []error }
	if errors.As(err, &list) {
		for _, e := range list.Unwrap() {
			got = append(got, e.Error())
		}
	} else {
		got = []string{err.Error()}
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestFinish(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		name     string
		src      string // "" means no file
		o        Overrides
		want     []string
		warnings []string
		check    func(t *testing.T, c *Config)
	}{
		{
			name: "flags replace the file's lists",
			src:  "listen = [\"127.0.0.1:1\"]\nparents = [\"a:1\", \"b:2\"]\n",
			o:    Overrides{Listen: []string{"[::1]:0"}, Parents: []string{"c:3"}},
			check: func(t *testing.T, c *Config) {
				if !slices.Equal(c.Listen, []string{"[::1]:0"}) || !slices.Equal(c.Parents, []string{"c:3"}) {
					t.Errorf("listen %v parents %v", c.Listen, c.Parents)
				}
			},
		},
		{
			name: "defaults without a file",
			o:    Overrides{Parents: []string{"proxy:8080"}},
			check: func(t *testing.T, c *Config) {
				if !slices.Equal(c.Listen, []string{"localhost:3128"}) || c.Auth.Scheme != "auto" {
					t.Errorf("listen %v scheme %q", c.Listen, c.Auth.Scheme)
				}
			},
		},
		{
			name: "a port alone gets a host in the example",
			o:    Overrides{Listen: []string{"3128"}, Parents: []string{"8080"}},
			want: []string{
				`--listen: listen address "3128" is a port alone: write host:port, e.g. "127.0.0.1:3128"`,
				`--parent: parent "8080" is a port alone: write host:port, e.g. "proxy.corp.example:8080"`,
			},
		},
		{
			name: "bad flags are named",
			o:    Overrides{Listen: []string{"0.0.0.0:3128"}, Parents: []string{"proxy"}},
			want: []string{
				`--listen: listen address "0.0.0.0:3128" serves other machines, and there is no allow list: add allow = ["172.17.0.0/16"] with the addresses that may use ferry (Docker, WSL2, VMs), or listen on 127.0.0.1; ferry never runs as an open proxy`,
				`--parent: parent "proxy" has no port: write host:port, e.g. "proxy:8080"`,
			},
		},
		{
			name: "a parent that is ferry's own listener",
			src:  "listen = [\"127.0.0.1:3128\", \"[::1]:8000\"]\nsocks5 = [\"127.0.0.1:1080\"]\nparents = [\"proxy.corp.example:8080\", \"localhost:3128\", \"[::1]:8000\", \"127.0.0.1:1080\", \"127.0.0.1:3129\"]\n",
			want: []string{
				`ferry.toml:3: parent "localhost:3128" is one of ferry's own listen addresses (127.0.0.1:3128, [::1]:8000, 127.0.0.1:1080): every request would come back to ferry in a loop; name the company's proxy, e.g. "proxy.corp.example:8080"`,
				`ferry.toml:3: parent "[::1]:8000" is one of ferry's own listen addresses (127.0.0.1:3128, [::1]:8000, 127.0.0.1:1080): every request would come back to ferry in a loop; name the company's proxy, e.g. "proxy.corp.example:8080"`,
				`ferry.toml:3: parent "127.0.0.1:1080" is one of ferry's own listen addresses (127.0.0.1:3128, [::1]:8000, 127.0.0.1:1080): every request would come back to ferry in a loop; name the company's proxy, e.g. "proxy.corp.example:8080"`,
			},
		},
		{
			name: "a --parent that is ferry's default listener",
			o:    Overrides{Parents: []string{"127.0.0.1:3128"}},
			want: []string{`--parent: parent "127.0.0.1:3128" is one of ferry's own listen addresses (localhost:3128): every request would come back to ferry in a loop; name the company's proxy, e.g. "proxy.corp.example:8080"`},
		},
		{
			name: "a parent on a wildcard listener's port",
			src:  "listen = [\"0.0.0.0:3128\"]\nallow = [\"10.0.0.0/8\"]\nparents = [\"127.0.0.1:3128\"]\n",
			want: []string{`ferry.toml:3: parent "127.0.0.1:3128" is one of ferry's own listen addresses (0.0.0.0:3128): every request would come back to ferry in a loop; name the company's proxy, e.g. "proxy.corp.example:8080"`},
		},
		{
			name: "a tunnel whose target is ferry's own listener",
			src: "listen = [\"localhost:3128\"]\nsocks5 = [\"0.0.0.0:1080\"]\nallow = [\"10.0.0.0/8\"]\nparents = [\"p:1\"]\n" +
				"[[tunnel]]\nlisten = \"127.0.0.1:2222\"\ntarget = \"git.corp.example:22\"\n" +
				"[[tunnel]]\nlisten = \"127.0.0.1:2223\"\ntarget = \"localhost:2223\"\n" +
				"[[tunnel]]\nlisten = \"127.0.0.1:2224\"\n# the first tunnel\ntarget = \"[::1]:2222\"\n" +
				"[[tunnel]]\nlisten = \"127.0.0.1:2225\"\ntarget = \"127.0.0.1:3128\"\n" +
				"[[tunnel]]\nlisten = \"127.0.0.1:2226\"\ntarget = \"127.0.0.1:1080\"\n" +
				"[[tunnel]]\nlisten = \"127.0.0.1:2227\"\ntarget = \"127.0.0.1:2228\"\n",
			want: []string{
				`ferry.toml:10: tunnel 2: target "localhost:2223" is one of ferry's own listen addresses (localhost:3128, 0.0.0.0:1080, 127.0.0.1:2222, 127.0.0.1:2223, 127.0.0.1:2224, 127.0.0.1:2225, 127.0.0.1:2226, 127.0.0.1:2227): each connection to the tunnel would open another one to ferry itself, in a loop until limits.max_connections; set target to the host and port the tunnel is for, e.g. "git.corp.example:22"`,
				`ferry.toml:14: tunnel 3: target "[::1]:2222" is one of ferry's own listen addresses (localhost:3128, 0.0.0.0:1080, 127.0.0.1:2222, 127.0.0.1:2223, 127.0.0.1:2224, 127.0.0.1:2225, 127.0.0.1:2226, 127.0.0.1:2227): each connection to the tunnel would open another one to ferry itself, in a loop until limits.max_connections; set target to the host and port the tunnel is for, e.g. "git.corp.example:22"`,
				`ferry.toml:17: tunnel 4: target "127.0.0.1:3128" is one of ferry's own listen addresses (localhost:3128, 0.0.0.0:1080, 127.0.0.1:2222, 127.0.0.1:2223, 127.0.0.1:2224, 127.0.0.1:2225, 127.0.0.1:2226, 127.0.0.1:2227): each connection to the tunnel would open another one to ferry itself, in a loop until limits.max_connections; set target to the host and port the tunnel is for, e.g. "git.corp.example:22"`,
				`ferry.toml:20: tunnel 5: target "127.0.0.1:1080" is one of ferry's own listen addresses (localhost:3128, 0.0.0.0:1080, 127.0.0.1:2222, 127.0.0.1:2223, 127.0.0.1:2224, 127.0.0.1:2225, 127.0.0.1:2226, 127.0.0.1:2227): each connection to the tunnel would open another one to ferry itself, in a loop until limits.max_connections; set target to the host and port the tunnel is for, e.g. "git.corp.example:22"`,
			},
		},
		{
			name: "a tunnel to ferry's default listener",
			src:  "parents = [\"p:1\"]\n[[tunnel]]\nlisten = \"127.0.0.1:2222\"\ntarget = \"127.0.0.1:3128\"\n",
			want: []string{`ferry.toml:4: tunnel 1: target "127.0.0.1:3128" is one of ferry's own listen addresses (localhost:3128, 127.0.0.1:2222): each connection to the tunnel would open another one to ferry itself, in a loop until limits.max_connections; set target to the host and port the tunnel is for, e.g. "git.corp.example:22"`},
		},
		{
			name: "no parents in the file",
			src:  "listen = [\"127.0.0.1:3128\"]\n",
			want: []string{`ferry.toml: no parent proxy: add parents = ["proxy.corp.example:8080"] at the top of the file, or pass --parent HOST:PORT`},
		},
		{
			name: "no parents and no file",
			want: []string{`no parent proxy: pass --parent HOST:PORT or --config FILE, or run 'ferry init' to find the parent, test the logon and write a config file`},
		},
		{
			name: "FERRY_PASSWORD wins over the file and completes basic",
			src:  "parents = [\"p:1\"]\n[auth]\nscheme = \"basic\"\nuser = \"alice\"\npassword = \"file\"\n",
			o:    Overrides{Getenv: env("FERRY_PASSWORD", "env", "KRB5_CONFIG", "/k/krb5.conf")},
			check: func(t *testing.T, c *Config) {
				if c.Auth.Password != "env" || c.Auth.Krb5Conf != "/k/krb5.conf" {
					t.Errorf("password %q krb5conf %q", c.Auth.Password, c.Auth.Krb5Conf)
				}
			},
		},
		{
			name: "basic without user or password",
			src:  "parents = [\"p:1\"]\n[auth]\nscheme = \"basic\"\n",
			want: []string{
				`ferry.toml:3: auth.scheme "basic" needs a user: add user = "alice" under [auth]`,
				`ferry.toml:3: auth.scheme "basic" needs a password: set the FERRY_PASSWORD environment variable, or add password = "..." under [auth]`,
			},
		},
		{
			name: "ntlm without password points at the scheme line",
			src:  "parents = [\"p:1\"]\n[auth]\nuser = \"alice\"\nscheme = \"ntlm\"\n",
			want: []string{`ferry.toml:4: auth.scheme "ntlm" needs a password: set the FERRY_PASSWORD environment variable, or add password = "..." under [auth]`},
		},
		{
			name: "password without user",
			src:  "parents = [\"p:1\"]\n[auth]\npassword = \"x\"\n",
			want: []string{`ferry.toml:3: a password is set but no user: add user = "alice" under [auth]`},
		},
		{
			name:     "FERRY_PASSWORD without a user",
			o:        Overrides{Parents: []string{"p:1"}, Getenv: env("FERRY_PASSWORD", "x")},
			warnings: []string{`FERRY_PASSWORD is set but no user is configured, so it is not used: pass --user USER, or add user = "alice" under [auth]`},
		},
		{
			name: "keytab without user",
			src:  "parents = [\"p:1\"]\n[auth]\nkeytab = \"/k\"\n",
			want: []string{`ferry.toml:3: auth.keytab needs the principal it holds: add user = "alice" under [auth]`},
		},
		{
			name:     "auto with a user and no password warns",
			src:      "parents = [\"p:1\"]\n[auth]\nuser = \"alice\"\ndomain = \"CORP\"\n",
			warnings: []string{noPasswordWarning},
		},
		{
			name: "auto with a keytab does not warn",
			src:  "parents = [\"p:1\"]\n[auth]\nuser = \"alice\"\nkeytab = \"/k\"\n",
		},
		{
			name: "none needs nothing",
			src:  "parents = [\"p:1\"]\n[auth]\nscheme = \"none\"\npassword = \"x\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Config{}
			if tt.src != "" {
				var err error
				if c, err = Parse("ferry.toml", []byte(tt.src)); err != nil {
					t.Fatal(err)
				}
			}
			if tt.o.Getenv == nil {
				tt.o.Getenv = noEnv
			}
			err := c.Finish(tt.o)
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("error %v", err)
			case tt.want != nil && err == nil:
				t.Fatalf("no error, want %q", tt.want)
			case err != nil:
				assertProblems(t, err, tt.want)
			}
			if !slices.Equal(c.Warnings, tt.warnings) {
				t.Errorf("warnings %q, want %q", c.Warnings, tt.warnings)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestLoadConfigFileWarnsAboutReadablePassword(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits do not describe access on Windows")
	}
	dir := testenv.TempDir(t)
	path := filepath.Join(dir, "ferry.toml")
	write := func(src string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(path, []byte(src), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	const withPassword = "parents = [\"p:1\"]\n[auth]\nuser = \"a\"\npassword = \"x\"\n"

	write(withPassword, 0o644)
	c, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"config file " + path + " holds a password and other users can read it (mode 0644): run chmod 600 " + path}
	if !slices.Equal(c.Warnings, want) {
		t.Errorf("warnings %q, want %q", c.Warnings, want)
	}

	write(withPassword, 0o600)
	if c, err = LoadFile(path); err != nil || len(c.Warnings) != 0 {
		t.Errorf("mode 600: warnings %q, err %v", c.Warnings, err)
	}

	write("parents = [\"p:1\"]\n", 0o644)
	if c, err = LoadFile(path); err != nil || len(c.Warnings) != 0 {
		t.Errorf("no password: warnings %q, err %v", c.Warnings, err)
	}
}

func TestLoadConfigFileErrorsNameTheFile(t *testing.T) {
	dir := testenv.TempDir(t)
	missing := filepath.Join(dir, "nope.toml")
	_, err := LoadFile(missing)
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != "config file "+missing+" does not exist: check the path, or write it with 'ferry init --config "+missing+"'" {
		t.Errorf("missing file: %v", err)
	}
	_, err = LoadFile(dir)
	if err == nil || err.Error() != "config file "+dir+" is a directory: name the ferry.toml inside it" {
		t.Errorf("directory: %v", err)
	}
	path := filepath.Join(dir, "ferry.toml")
	if err := os.WriteFile(path, []byte("parent = [\"p:1\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(path)
	if err == nil || err.Error() != path+`:1: unknown key "parent": did you mean "parents"?` {
		t.Errorf("bad key: %v", err)
	}
}

func TestLoadConfigUsesTheDefaultFileWhenPresent(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME is a Linux convention")
	}
	dir := testenv.TempDir(t)
	t.Setenv("XDG_CONFIG_HOME", dir)
	o := Overrides{Getenv: noEnv}

	_, err := Load("", o)
	want := "no parent proxy and no config file (none at " + filepath.Join(dir, "ferry", "ferry.toml") + "): run 'ferry init' to find the parent, test the logon and write one, or pass --parent HOST:PORT"
	if err == nil || err.Error() != want {
		t.Errorf("without a default file: %v, want %q", err, want)
	}

	if err := os.MkdirAll(filepath.Join(dir, "ferry"), 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ferry", "ferry.toml")
	if err := os.WriteFile(path, []byte("parents = [\"proxy:8080\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load("", o)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != path || !slices.Equal(c.Parents, []string{"proxy:8080"}) {
		t.Errorf("file %q parents %v", c.File, c.Parents)
	}
}

func TestExampleConfigLoads(t *testing.T) {
	c, err := LoadFile(filepath.Join("testdata", "ferry.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(Overrides{Getenv: noEnv}); err != nil {
		t.Fatal(err)
	}
	if len(c.Parents) != 2 || c.Auth.LockoutCooldown != 10*time.Minute || c.Timeouts.ClientIdle != 120*time.Second {
		t.Errorf("config %+v", c)
	}
	// user without a password: single sign-on only (Kerberos, or SSPI on
	// Windows).
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "only "+auth.OSSingleSignOn.Schemes) {
		t.Errorf("warnings %q", c.Warnings)
	}
}

func TestParseConfigReportsAtMostTwentyProblems(t *testing.T) {
	var src strings.Builder
	for i := range 25 {
		fmt.Fprintf(&src, "key%d = 1\n", i)
	}
	_, err := Parse("ferry.toml", []byte(src.String()))
	var list interface{ Unwrap() []error }
	if !errors.As(err, &list) || len(list.Unwrap()) != 21 || list.Unwrap()[20].Error() != "and 5 more problems" {
		t.Errorf("got %v", err)
	}
}

// noPasswordWarning is what a user without a password is told: on Windows
// SSPI answers Negotiate and NTLM as the logged-on user (once the warning
// said NTLM was off there and sent Windows users to kinit).
var noPasswordWarning = func() string {
	if runtime.GOOS == "windows" {
		return `user CORP\alice has no password (FERRY_PASSWORD or auth.password): only Negotiate and NTLM as the logged-on Windows user (SSPI) can be used; Digest and Basic are off`
	}
	return `user CORP\alice has no password (FERRY_PASSWORD or auth.password): only Kerberos from the ticket cache (kinit) can be used; NTLM, Digest and Basic are off`
}()
