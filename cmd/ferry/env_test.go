package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestEnvPointsToolsAtFerry(t *testing.T) {
	dir := testenv.TempDir(t)
	cfg := filepath.Join(dir, "ferry.toml")
	if err := os.WriteFile(cfg, []byte("listen = [\"127.0.0.1:8888\"]\nparents = [\"proxy.corp.example:8080\"]\nno_proxy = [\"*.corp.example\", \"10.0.0.0/8\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		shell string
		want  []string
	}{
		{"sh", []string{"export http_proxy=http://127.0.0.1:8888", "export HTTPS_PROXY=http://127.0.0.1:8888",
			"export no_proxy=localhost,127.0.0.1,::1,.corp.example,10.0.0.0/8", "export NO_PROXY=", "git config --global http.proxy http://127.0.0.1:8888"}},
		{"fish", []string{"set -gx https_proxy http://127.0.0.1:8888", "set -gx NO_PROXY "}},
		{"powershell", []string{"$env:HTTP_PROXY = 'http://127.0.0.1:8888'", "$env:NO_PROXY = "}},
		{"cmd", []string{"set HTTPS_PROXY=http://127.0.0.1:8888", "REM   npm config set proxy http://127.0.0.1:8888"}},
	}
	for _, c := range cases {
		status, out, errOut := runArgs(t, "env", "--config", cfg, "--shell", c.shell)
		if status != 0 {
			t.Fatalf("%s: status %d: %s", c.shell, status, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", c.shell, w, out)
			}
		}
	}
	if status, _, errOut := runArgs(t, "env", "--shell", "tcsh"); status != exitUsage || !strings.Contains(errOut, "tcsh") {
		t.Errorf("unknown shell: status %d, stderr %q", status, errOut)
	}
}

// TestDoctorBadConfigIsAVerdict: a config mistake is doctor's first
// verdict, in JSON too, with exit status 1.
func TestDoctorBadConfigIsAVerdict(t *testing.T) {
	cfg := filepath.Join(testenv.TempDir(t), "ferry.toml")
	if err := os.WriteFile(cfg, []byte("parents = [\"proxy.corp.example\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LANG", "C")
	// Not the default 127.0.0.1:3128: doctor's advice binds the listen
	// address to see whether it is free, and something may listen there.
	listen := closedAddr(t)
	status, out, _ := runArgs(t, "doctor", "--config", cfg, "--listen", listen, "--json")
	if status != exitError || !strings.Contains(out, `"verdict": "config_invalid"`) || !strings.Contains(out, "has no port") {
		t.Errorf("status %d, output:\n%s", status, out)
	}
	if !strings.Contains(out, "nothing listens on "+listen) {
		t.Errorf("the advice is not about --listen %s:\n%s", listen, out)
	}
	status, out, _ = runArgs(t, "doctor", "--config", cfg, "--listen", listen)
	if status != exitError || !strings.Contains(out, "[FAIL] configuration") || strings.Contains(out, "\x1b[") {
		t.Errorf("plain output (status %d):\n%s", status, out)
	}
	report := filepath.Join(testenv.TempDir(t), "report.txt")
	if status, _, errOut := runArgs(t, "doctor", "--config", cfg, "--listen", listen, "--report", report); status != exitError || errOut != "" {
		t.Errorf("--report: status %d, stderr %q", status, errOut)
	}
	data, err := os.ReadFile(report)
	if err != nil || !strings.Contains(string(data), "== doctor") || !strings.Contains(string(data), "config_invalid") {
		t.Errorf("report: %v\n%s", err, data)
	}
}

func TestStatusWithoutFerryRunning(t *testing.T) {
	status, _, errOut := runArgs(t, "status", "--listen", "127.0.0.1:1")
	if status != exitError || !strings.Contains(errOut, "no ferry answers at 127.0.0.1:1") {
		t.Errorf("status %d, stderr %q", status, errOut)
	}
}

// TestDoctorWithoutAConfigPointsToInit: with no config file there is no
// line to fix; the way to one is ferry init, in both languages.
func TestDoctorWithoutAConfigPointsToInit(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", testenv.TempDir(t))
	t.Setenv("FERRY_PASSWORD", "")
	for lang, want := range map[string]string{"C": "Run 'ferry init'", "ja_JP.UTF-8": "'ferry init' を実行してください"} {
		t.Setenv("LANG", lang)
		status, out, _ := runArgs(t, "doctor", "--listen", closedAddr(t), "--json")
		if status != exitError || !strings.Contains(out, `"verdict": "config_invalid"`) || !strings.Contains(out, want) ||
			strings.Contains(out, "ferry.toml.\"") {
			t.Errorf("LANG=%s: status %d, output:\n%s", lang, status, out)
		}
	}
}
