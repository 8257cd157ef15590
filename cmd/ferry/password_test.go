package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// ferry password's statuses that come before any password is read: the
// logon and storage paths are setup's tests and e2e's TestCredentials.
func TestPasswordCommandStatuses(t *testing.T) {
	dir := testenv.TempDir(t)
	conf := filepath.Join(dir, "ferry.toml")
	t.Setenv("FERRY_PASSWORD", "")
	stateUnder(t, dir)
	write := func(src string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("parents = [\"proxy.corp.example:8080\"]\n[auth]\nuser = \"alice\"\npassword_command = \"pass show corp\"\n")
	status, out, errOut := runArgs(t, "password", "--config", conf)
	if status != exitNotWritable || out != "" || !strings.Contains(errOut, "update the secret that command reads") {
		t.Errorf("password_command: status %d stdout %q stderr %q, want %d explaining what to update", status, out, errOut, exitNotWritable)
	}
	write("parents = [\"proxy.corp.example:8080\"]\n")
	status, _, errOut = runArgs(t, "password", "--config", conf)
	if status != exitError || !strings.Contains(errOut, "names no user") {
		t.Errorf("no user: status %d stderr %q", status, errOut)
	}
	status, _, errOut = runArgs(t, "passwrd")
	if status != exitUsage || !strings.Contains(errOut, `did you mean "password"?`) {
		t.Errorf("typo: status %d stderr %q", status, errOut)
	}
	status, _, _ = runArgs(t, "password", "extra")
	if status != exitUsage {
		t.Errorf("extra argument: status %d", status)
	}
}

// stateUnder puts ferry's lockout state file under dir: ferry run and
// ferry password keep rests there, which must not reach the user's real
// one.
func stateUnder(t *testing.T, dir string) {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", dir)
	t.Setenv("LOCALAPPDATA", dir)
	if runtime.GOOS == "darwin" {
		t.Setenv("HOME", dir)
	}
	if f := lockoutStateFile(os.Getenv); !strings.HasPrefix(f, dir) {
		t.Fatalf("lockout state file %q is not under the test's directory %s", f, dir)
	}
}
