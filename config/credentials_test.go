package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// The cntlm -H values for User, Domain and "Password" (credentials/cntlm_hash_test.go).
const (
	testPassNT     = "5B0B63BF9AEF4235497DB1183CF027AD"
	testPassNTLMv2 = "0C71015B7525950556A51BB9961A9CB4"
)

func envOf(k, v string) func(string) string {
	return func(name string) string {
		if name == k {
			return v
		}
		return ""
	}
}

type fixedPrompt string

func (p fixedPrompt) Password(context.Context) (string, error) { return string(p), nil }
func (fixedPrompt) String() string                             { return "the prompt" }

func TestCredentialSources(t *testing.T) {
	sh := runtime.GOOS != "windows"
	const head = "parents = [\"p:1\"]\n[auth]\nuser = \"User\"\ndomain = \"Domain\"\n"
	tests := []struct {
		name    string
		auth    string // lines after head
		o       Overrides
		needSh  bool
		from    string // want Creds.PasswordFrom
		pw      string // want Auth.Password
		want    []string
		checkFn func(t *testing.T, c *Config)
	}{
		{name: "pass_ntlmv2 alone is enough for ntlm", auth: "scheme = \"ntlm\"\npass_ntlmv2 = \"" + testPassNTLMv2 + "\"\n",
			checkFn: func(t *testing.T, c *Config) {
				if len(c.Auth.NTLMv2Hash) != 16 || c.Auth.Password != "" {
					t.Errorf("NTLMv2Hash %x, password set %v", c.Auth.NTLMv2Hash, c.Auth.Password != "")
				}
			}},
		{name: "pass_nt alone is enough for ntlm", auth: "scheme = \"ntlm\"\npass_nt = \"" + strings.ToLower(testPassNT) + "\"\n",
			checkFn: func(t *testing.T, c *Config) {
				if len(c.Auth.NTHash) != 16 {
					t.Errorf("NTHash %x", c.Auth.NTHash)
				}
			}},
		{name: "a hash cannot serve basic", auth: "scheme = \"basic\"\npass_nt = \"" + testPassNT + "\"\n",
			want: []string{`ferry.toml:5: auth.scheme "basic" needs a password: pass_nt and pass_ntlmv2 serve NTLM only; set the FERRY_PASSWORD environment variable, or add password = "..." under [auth]`}},
		{name: "a bad hash is named without its value", auth: "pass_ntlmv2 = \"0C71015B\"\n",
			want: []string{"ferry.toml:5: auth.pass_ntlmv2: hash has 8 characters, want 32 hex digits as `cntlm -H` or `ferry hash` prints them"}},
		{name: "two sources are refused", auth: "password = \"x\"\npassword_command = \"echo y\"\n",
			want: []string{"ferry.toml:6: auth.password and auth.password_command are both set: keep one of them, ferry will not guess which password is right"}},
		{name: "keyring must be a boolean", auth: "keyring = \"yes\"\n",
			want: []string{"ferry.toml:5: auth.keyring must be true or false, found a string: write keyring = true"}},
		{name: "password_command", needSh: true, auth: "password_command = \"printf 'cmd pw\\\\nline 2\\\\n'\"\n",
			from: "auth.password_command", pw: "cmd pw"},
		{name: "password_command failing names its stderr", needSh: true, auth: "password_command = \"echo no such entry >&2; exit 1\"\n",
			want: []string{`ferry.toml:5: password_command "echo no such entry >&2; exit 1" failed: exit status 1: no such entry`}},
		{name: "FERRY_PASSWORD wins over password_command, which does not run", needSh: true,
			auth: "password_command = \"exit 1\"\n", o: Overrides{Getenv: envOf("FERRY_PASSWORD", "env pw")},
			from: "FERRY_PASSWORD", pw: "env pw"},
		{name: "--prompt wins over everything", auth: "password = \"file pw\"\n",
			o: Overrides{Getenv: envOf("FERRY_PASSWORD", "env pw"), Prompt: fixedPrompt("typed")}, from: "--prompt", pw: "typed"},
		{name: "keyring", auth: "keyring = true\n",
			o:    Overrides{Keyring: &testenv.Keyring{M: map[string]string{`ferry|Domain\User`: "kr pw"}}},
			from: "auth.keyring", pw: "kr pw"},
		{name: "keyring on a headless Linux names the fallbacks", auth: "keyring = true\n",
			o:    Overrides{Keyring: &testenv.Keyring{Err: errors.New(`exec: "dbus-launch": executable file not found in $PATH`)}},
			want: []string{`ferry.toml:5: the OS keyring (service "ferry", account "Domain\\User"): no OS keyring available (exec: "dbus-launch": executable file not found in $PATH): on a machine without a desktop session use password_command, FERRY_PASSWORD, or the hashes from ` + "`ferry hash`" + ` (pass_ntlmv2) instead`}},
		{name: "--user replaces the file's user and reads its password from the keyring",
			o:    Overrides{User: `CORP\bob`, Keyring: &testenv.Keyring{M: map[string]string{`ferry|CORP\bob`: "kr pw"}}},
			from: "the OS keyring", pw: "kr pw",
			checkFn: func(t *testing.T, c *Config) {
				if c.Auth.Identity() != `CORP\bob` {
					t.Errorf("identity %q", c.Auth.Identity())
				}
			}},
		{name: "--user with no password anywhere warns in auto mode",
			o: Overrides{User: `CORP\bob`, Keyring: &testenv.Keyring{}},
			checkFn: func(t *testing.T, c *Config) {
				want := `user CORP\bob has no password: FERRY_PASSWORD and --prompt are not set, and the OS keyring (service "ferry", account "CORP\\bob") holds no password`
				if len(c.Warnings) != 1 || !strings.HasPrefix(c.Warnings[0], want) {
					t.Errorf("warnings %q, want one starting %q", c.Warnings, want)
				}
			}},
		{name: "--user with no password anywhere is refused for ntlm", auth: "scheme = \"ntlm\"\n",
			o:    Overrides{User: `CORP\bob`, Keyring: &testenv.Keyring{}},
			want: []string{`--user: the OS keyring (service "ferry", account "CORP\\bob") holds no password: store it with ` + "`ferry init --store keyring`" + `, or use FERRY_PASSWORD or password_command, or pass --prompt`}},
		{name: "--user with FERRY_PASSWORD leaves the keyring alone",
			o:    Overrides{User: `CORP\bob`, Getenv: envOf("FERRY_PASSWORD", "env pw"), Keyring: &testenv.Keyring{Err: errors.New("must not be asked")}},
			from: "FERRY_PASSWORD", pw: "env pw"},
		{name: "config show asks no source", needSh: true, auth: "password_command = \"exit 1\"\n", o: Overrides{NoSecrets: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needSh && !sh {
				t.Skip("sh syntax")
			}
			c, err := Parse("ferry.toml", []byte(head+tt.auth))
			if err == nil {
				if tt.o.Getenv == nil {
					tt.o.Getenv = noEnv
				}
				err = c.Finish(tt.o)
			}
			if tt.want != nil {
				if err == nil {
					t.Fatalf("no error, want %q", tt.want)
				}
				assertProblems(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Creds.PasswordFrom != tt.from || c.Auth.Password != tt.pw {
				t.Errorf("password from %q = %q, want from %q = %q", c.Creds.PasswordFrom, c.Auth.Password, tt.from, tt.pw)
			}
			if tt.checkFn != nil {
				tt.checkFn(t, c)
			}
			if _, err := auth.New(c.Auth); err != nil {
				t.Errorf("auth.New: %v", err)
			}
		})
	}
}

func TestHashInFileGetsPermissionWarning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits")
	}
	path := filepath.Join(testenv.TempDir(t), "ferry.toml")
	src := "parents = [\"p:1\"]\n[auth]\nuser = \"User\"\ndomain = \"Domain\"\npass_ntlmv2 = \"" + testPassNTLMv2 + "\"\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "chmod 600") {
		t.Errorf("warnings %q, want the chmod advice", c.Warnings)
	}
}

func TestKeepPasswordAcrossReload(t *testing.T) {
	const src = "parents = [\"p:1\"]\n[auth]\nuser = \"alice\"\n"
	load := func(o Overrides) *Config {
		t.Helper()
		c, err := Parse("ferry.toml", []byte(src))
		if err == nil {
			o.Getenv = noEnv
			err = c.Finish(o)
		}
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := load(Overrides{Prompt: fixedPrompt("typed once")})
	again := load(Overrides{Prompt: KeepPassword(first)})
	if again.Auth.Password != "typed once" || again.Creds.PasswordFrom != "--prompt" {
		t.Errorf("reload: password from %q", again.Creds.PasswordFrom)
	}
	if KeepPassword(load(Overrides{})) != nil {
		t.Error("KeepPassword without a prompt at start")
	}
}

func TestLegacyNTLMConfig(t *testing.T) {
	const head = "parents = [\"p:1\"]\n[auth]\nscheme = \"ntlm\"\nuser = \"User\"\ndomain = \"Domain\"\n"
	load := func(src string, o Overrides) (*Config, error) {
		c, err := Parse("ferry.toml", []byte(head+src))
		if err != nil {
			return nil, err
		}
		if o.Getenv == nil {
			o.Getenv = noEnv
		}
		return c, c.Finish(o)
	}
	if _, err := load("legacy_ntlm = true\npass_ntlmv2 = \""+testPassNTLMv2+"\"\n", Overrides{}); err == nil ||
		!strings.Contains(err.Error(), "ferry.toml:6: auth.legacy_ntlm needs the password or pass_nt") {
		t.Errorf("legacy with an NTLMv2 key only: %v", err)
	}
	c, err := load("legacy_ntlm = true\npass_lm = \"1AD35398BE6565DDB5C4EF70C0593492\"\n", Overrides{Getenv: envOf("FERRY_PASSWORD", "Password")})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Auth.LegacyNTLM || len(c.Auth.LMHash) != 16 || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "NTLMv1") {
		t.Errorf("legacy %v LM hash %x warnings %q", c.Auth.LegacyNTLM, c.Auth.LMHash, c.Warnings)
	}
	if _, err := auth.New(c.Auth); err != nil {
		t.Error(err)
	}
	c, err = load("pass_nt = \""+testPassNT+"\"\npass_lm = \"1AD35398BE6565DDB5C4EF70C0593492\"\n", Overrides{})
	if err != nil || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "pass_lm is not used") {
		t.Errorf("pass_lm without legacy: %v %q", err, c.Warnings)
	}
}
