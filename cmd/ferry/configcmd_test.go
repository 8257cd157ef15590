package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/ferryproxy/ferry/internal/testenv"
)

func writeConfig(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(testenv.TempDir(t), "ferry.toml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigShowRedactsEverySecret(t *testing.T) {
	t.Setenv("FERRY_PASSWORD", "env-Secret-1")
	path := writeConfig(t, "parents = [\"p:1\"]\n[auth]\nuser = \"alice\"\ndomain = \"CORP\"\n"+
		"pass_lm = \"1AD35398BE6565DDB5C4EF70C0593492\"\npass_nt = \""+testPassNT+"\"\npass_ntlmv2 = \""+testPassNTLMv2+"\"\n"+
		"[headers]\nX-Api-Token = \"Bearer abc\"\nX-Team = \"build\"\n")
	var out, errb bytes.Buffer
	if st := cmdConfig(context.Background(), []string{"show", "--config", path, "--parent", "flag:3128"}, &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	s := out.String()
	var decoded map[string]any
	if _, err := toml.Decode(s, &decoded); err != nil {
		t.Errorf("config show is not TOML: %v\n%s", err, s)
	}
	for _, secret := range []string{"env-Secret-1", testPassNT, testPassNTLMv2, "1AD35398", "Bearer abc"} {
		if strings.Contains(s, secret) {
			t.Errorf("config show printed a secret %q:\n%s", secret, s)
		}
	}
	for _, want := range []string{
		`parents = ["flag:3128"]`,     // the flag wins over the file
		`listen = ["localhost:3128"]`, // the default: both loopbacks
		`password = "[redacted]"  # from FERRY_PASSWORD`,
		`pass_ntlmv2 = "[redacted]"`,
		"[auth]\n",
		`"X-Team" = "build"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestConfigShowDoesNotRunPasswordCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sh syntax")
	}
	t.Setenv("FERRY_PASSWORD", "")
	marker := filepath.Join(testenv.TempDir(t), "ran")
	path := writeConfig(t, "parents = [\"p:1\"]\n[auth]\nuser = \"alice\"\npassword_command = \"touch "+marker+"; echo pw\"\n")
	var out, errb bytes.Buffer
	if st := cmdConfig(context.Background(), []string{"show", "-c", path}, &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("config show ran password_command")
	}
	if !strings.Contains(out.String(), "asked at start from auth.password_command") {
		t.Errorf("output:\n%s", out.String())
	}
	out.Reset()
	if st := cmdConfig(context.Background(), []string{"check", "-c", path}, &out, &errb); st != exitOK {
		t.Fatalf("check: status %d: %s", st, errb.String())
	}
	if _, err := os.Stat(marker); err != nil {
		t.Error("config check did not run password_command")
	}
}

func TestConfigCheckExitStatus(t *testing.T) {
	t.Setenv("FERRY_PASSWORD", "")
	tests := []struct {
		src    string
		status int
		errHas string
	}{
		{"parents = [\"p:1\"]\n", exitOK, ""},
		{"parents = [\"p\"]\n", exitError, `parent "p" has no port`},
		{"parents = [\"p:1\"]\nno_proxy = [\"10.0.0.0/33\"]\n", exitError, "10.0.0.0/33"},
		{"parents = [\"p:1\"]\n[auth]\nscheme = \"ntlm\"\nuser = \"a\"\n", exitError, "needs a password"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		st := cmdConfig(context.Background(), []string{"check", "-c", writeConfig(t, tt.src)}, &out, &errb)
		if st != tt.status || !strings.Contains(errb.String(), tt.errHas) {
			t.Errorf("%q: status %d, stderr %q; want %d and %q", tt.src, st, errb.String(), tt.status, tt.errHas)
		}
		if st == exitOK && !strings.Contains(out.String(), "OK") {
			t.Errorf("%q: stdout %q", tt.src, out.String())
		}
	}
	var out, errb bytes.Buffer
	if st := cmdConfig(context.Background(), []string{"frobnicate"}, &out, &errb); st != exitUsage {
		t.Errorf("unknown subcommand: status %d", st)
	}
}

// TestConfigShowFillsInDefaults: config show promises the defaults filled
// in; an unset key with a default shows it, one without says "not set".
func TestConfigShowFillsInDefaults(t *testing.T) {
	path := writeConfig(t, "parents = [\"p:1\"]\n")
	var out, errb bytes.Buffer
	if st := cmdConfig(context.Background(), []string{"show", "--config", path}, &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	s := out.String()
	for _, want := range []string{
		`connect = "10s"  # default`, `response_header = "1m0s"  # default`, `client_idle = "2m0s"  # default`,
		`lockout_cooldown = "10m0s"  # default`, `max_connections = 4096  # default`, `max_header_bytes = 65536  # default`,
		"# user: not set\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "# connect: not set") {
		t.Errorf("a key with a default is shown as not set:\n%s", s)
	}
	var decoded map[string]any
	if _, err := toml.Decode(s, &decoded); err != nil {
		t.Errorf("config show is not TOML: %v\n%s", err, s)
	}
}

// TestConfigTakesUserLikeRun: a flags-only setup can be shown and checked
// with the flags it runs with.
func TestConfigTakesUserLikeRun(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", testenv.TempDir(t))
	t.Setenv("FERRY_PASSWORD", "pw")
	var out, errb bytes.Buffer
	if st := cmdConfig(context.Background(), []string{"show", "--parent", "proxy:8080", "--user", `CORP\alice`}, &out, &errb); st != exitOK ||
		!strings.Contains(out.String(), `user = "CORP\\alice"`) {
		t.Errorf("show: status %d\n%s%s", st, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if st := cmdConfig(context.Background(), []string{"check", "--parent", "proxy:8080", "--user", `CORP\alice`}, &out, &errb); st != exitOK {
		t.Errorf("check: status %d\n%s%s", st, out.String(), errb.String())
	}
}
