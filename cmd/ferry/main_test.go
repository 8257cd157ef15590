package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/discover"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// runArgs runs ferry in-process and returns its exit status and output.
func runArgs(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	status = runContext(context.Background(), args, &out, &errOut)
	return status, out.String(), errOut.String()
}

func TestVersionPrintsBuildAndPlatform(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		status, out, errOut := runArgs(t, args...)
		want := "ferry dev (commit dev, built dev) " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
		if status != 0 || out != want || errOut != "" {
			t.Errorf("%v: status %d stdout %q stderr %q, want %q", args, status, out, errOut, want)
		}
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		args   []string
		status int
		stdout string // a line the output must hold
		stderr string
	}{
		{args: []string{"help"}, stdout: "Commands:"},
		{args: []string{"-h"}, stdout: "Commands:"},
		{args: []string{"--help"}, stdout: "Commands:"},
		{args: []string{"help", "run"}, stdout: "  -p, --parent HOST:PORT"},
		{args: []string{"run", "-h"}, stdout: "  -l, --listen ADDR"},
		{args: []string{"run", "--help"}, stdout: "Examples:\n  FERRY_PASSWORD=... ferry run --parent proxy.corp.example:8080 --user"},
		{args: []string{"version", "--help"}, stdout: "Usage: ferry version"},
		{args: []string{"help", "-h"}, stdout: "Usage: ferry help [command]"},
		{args: []string{}, status: 2, stderr: "Usage:\n  ferry <command> [flags]"},
		{args: []string{"help", "bogus"}, status: 2, stderr: "ferry: unknown command \"bogus\"\nrun 'ferry help' for usage\n"},
	}
	for _, tt := range tests {
		status, out, errOut := runArgs(t, tt.args...)
		if status != tt.status || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
			t.Errorf("%q: status %d stdout %q stderr %q; want status %d, stdout with %q, stderr with %q",
				tt.args, status, out, errOut, tt.status, tt.stdout, tt.stderr)
		}
		if tt.stderr == "" && errOut != "" {
			t.Errorf("%q: stderr %q", tt.args, errOut)
		}
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"bogus"}, "ferry: unknown command \"bogus\"\nrun 'ferry help' for usage\n"},
		{[]string{"doctr"}, "ferry: unknown command \"doctr\": did you mean \"doctor\"?\nrun 'ferry help' for usage\n"},
		{[]string{"help", "sevice"}, "ferry: unknown command \"sevice\": did you mean \"service\"?\nrun 'ferry help' for usage\n"},
		{[]string{"--bogus"}, "ferry: unknown flag \"--bogus\"\nrun 'ferry help' for usage\n"},
		{[]string{"run", "--bogus"}, "ferry run: flag provided but not defined: -bogus\nrun 'ferry help run' for usage\n"},
		{[]string{"run", "--config"}, "ferry run: flag needs an argument: -config\nrun 'ferry help run' for usage\n"},
		{[]string{"run", "extra"}, "ferry run: unexpected argument \"extra\"\nrun 'ferry help run' for usage\n"},
		{[]string{"version", "-x"}, "ferry version: flag provided but not defined: -x\nrun 'ferry help version' for usage\n"},
		{[]string{"help", "run", "version"}, "ferry help: name one command\nrun 'ferry help help' for usage\n"},
	}
	for _, tt := range tests {
		status, out, errOut := runArgs(t, tt.args...)
		if status != 2 || out != "" || errOut != tt.stderr {
			t.Errorf("%q: status %d stdout %q stderr %q, want 2 and %q", tt.args, status, out, errOut, tt.stderr)
		}
	}
}

func TestRunWithBrokenConfigExitsOne(t *testing.T) {
	dir := testenv.TempDir(t)
	write := func(name, src string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Setenv("FERRY_PASSWORD", "")
	// No default file there: os.UserConfigDir reads XDG_CONFIG_HOME on
	// Linux, HOME on macOS and APPDATA on Windows (where the test once read
	// the real %APPDATA%\ferry\ferry.toml).
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv("APPDATA", dir)
	configDir, err := os.UserConfigDir()
	if err != nil || !strings.HasPrefix(configDir, dir) {
		t.Fatalf("os.UserConfigDir() = %q, %v: not under the test's directory %s", configDir, err, dir)
	}

	typo := write("typo.toml", "parent = [\"proxy:8080\"]\n[auth]\nscheme = \"basic\"\n")
	syntax := write("syntax.toml", "parents = [\"proxy:8080\"\n")
	tests := []struct {
		args   []string
		stderr string
	}{
		{
			[]string{"run", "--config", typo},
			"ferry: " + typo + ":1: unknown key \"parent\": did you mean \"parents\"?\n",
		},
		{
			[]string{"run", "--config", syntax},
			"ferry: " + syntax + ":1: syntax error: expected a comma (',') or array terminator (']'), but got end of file\n",
		},
		{
			[]string{"run", "--config", filepath.Join(dir, "missing.toml")},
			"ferry: config file " + filepath.Join(dir, "missing.toml") + " does not exist: check the path, or write it with 'ferry init --config " + filepath.Join(dir, "missing.toml") + "'\n",
		},
		{
			[]string{"run", "--listen", "0.0.0.0:3128", "--parent", "proxy:8080"},
			"ferry: --listen: listen address \"0.0.0.0:3128\" serves other machines, and there is no allow list",
		},
		{
			[]string{"run"},
			"ferry: no parent proxy and no config file (none at " + filepath.Join(configDir, "ferry", "ferry.toml") + "): run 'ferry init' to find the parent, test the logon and write one, or pass --parent HOST:PORT; discovery off in tests\n",
		},
	}
	for _, tt := range tests {
		status, out, errOut := runArgs(t, tt.args...)
		if status != 1 || out != "" || !strings.HasPrefix(errOut, tt.stderr) {
			t.Errorf("%q: status %d stdout %q stderr:\n%s\nwant 1 and stderr starting:\n%s", tt.args, status, out, errOut, tt.stderr)
		}
	}
}

func TestStringListFlagRepeatsAndSplits(t *testing.T) {
	var l stringList
	for _, v := range []string{"a:1", "b:2, c:3", ""} {
		if err := l.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	if got := l.String(); got != "a:1,b:2,c:3" {
		t.Errorf("got %q", got)
	}
}

func init() {
	// Tests must not depend on this machine's proxy settings.
	discoverSystem = func([]string) func() (discover.Settings, error) {
		return func() (discover.Settings, error) { return discover.Settings{}, errors.New("discovery off in tests") }
	}
}

// A flag error in a subcommand points at a help command that works.
func TestUsageErrorPointsAtWorkingHelp(t *testing.T) {
	for _, args := range [][]string{{"service", "install", "--bogus"}, {"pac", "eval", "--bogus"}, {"env", "--bogus"}} {
		var stdout, stderr bytes.Buffer
		if code := runContext(context.Background(), args, &stdout, &stderr); code != exitUsage {
			t.Fatalf("%v: exit %d, want %d", args, code, exitUsage)
		}
		_, hint, ok := strings.Cut(stderr.String(), "run '")
		hint, _, _ = strings.Cut(hint, "'")
		if !ok || !strings.HasPrefix(hint, "ferry help ") {
			t.Fatalf("%v: no help hint in %q", args, stderr.String())
		}
		var hout, herr bytes.Buffer
		if code := runContext(context.Background(), strings.Fields(hint)[1:], &hout, &herr); code != exitOK {
			t.Errorf("%v: the hint %q fails: %s", args, hint, herr.String())
		}
	}
}
