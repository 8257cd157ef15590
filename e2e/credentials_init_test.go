package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// runFerryInit runs `ferry init ARGS` with stdin, HOME and XDG_CONFIG_HOME in
// dir, and no proxy variables; it returns stdout+stderr and the exit code.
func runFerryInit(t *testing.T, dir, stdin string, args ...string) (string, int) {
	t.Helper()
	return runFerryIn(t, dir, stdin, nil, append([]string{"init"}, args...)...)
}

// runFerryIn runs `ferry ARGS` as runFerryInit runs init, with env added.
func runFerryIn(t *testing.T, dir, stdin string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(testenv.BuildFerry(t), args...)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if lk := strings.ToLower(k); strings.HasSuffix(lk, "_proxy") || strings.HasPrefix(k, "FERRY_") ||
			k == "HOME" || k == "XDG_CONFIG_HOME" || k == "DBUS_SESSION_BUS_ADDRESS" {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

// failedLogonsSince counts the failed logons after before, waiting up to
// 3 s for want of them: squid's helper transcript is written a moment after
// squid answers.
func failedLogonsSince(sq *testenv.Squid, before, want int) int {
	return countSince(sq.FailedLogons, before, want)
}

func countSince(count func() int, before, want int) int {
	deadline := time.Now().Add(3 * time.Second)
	for {
		n := count() - before
		if n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testInit is TestCredentials' ferry init part: a scripted init makes one
// logon at the parent and writes a config that works as it is.
func (p credParent) testInit(t *testing.T) {
	t.Run("init --yes writes a working config after one logon", func(t *testing.T) {
		dir := testenv.TempDir(t)
		handshakes, failed := p.squid.Handshakes(), p.squid.FailedLogons()
		out, code := runFerryInit(t, dir, p.pw+"\n", "--yes", "--parent", p.squid.Addr,
			"--user", p.user, "--domain", p.domain, "--password-stdin", "--test-url", p.origin.URL+"/echo")
		if code != 0 {
			t.Fatalf("ferry init: exit %d:\n%s", code, out)
		}
		t.Logf("ferry init:\n%s", out)
		if n := countSince(p.squid.Handshakes, handshakes, 1); n != 1 {
			t.Errorf("%d handshakes at the parent, want exactly 1", n)
		}
		if n := p.squid.FailedLogons() - failed; n != 0 {
			t.Errorf("%d failed logons", n)
		}
		if strings.Contains(out, p.pw) {
			t.Errorf("ferry init printed the password:\n%s", out)
		}
		path := filepath.Join(dir, "config", "ferry", "ferry.toml")
		info, err := os.Stat(path)
		if err != nil {
			t.Fatalf("no config at the default path: %v\n%s", err, out)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("config mode %v, want 0600", info.Mode().Perm())
		}
		conf, _ := os.ReadFile(path)
		if strings.Contains(string(conf), p.pw) {
			t.Errorf("the config holds the password:\n%s", conf)
		}
		// No Secret Service on a test machine: the hash stands in, and
		// ferry init says so. With one, the keyring holds the password.
		if !strings.Contains(string(conf), "pass_ntlmv2 = ") && !strings.Contains(string(conf), "keyring = true") {
			t.Fatalf("the config keeps no secret:\n%s", conf)
		}
		if !strings.Contains(out, "Next steps") {
			t.Errorf("no next steps:\n%s", out)
		}
		// The written config, with ferry's own listen address swapped for a
		// free port, works against the same parent.
		src := strings.Replace(string(conf), `listen = ["127.0.0.1:3128"]`, `listen = ["127.0.0.1:0"]`, 1)
		f := testenv.StartFerry(t, src)
		getEcho(t, proxyClient(t, p.origin, f), p.origin.URL+"/echo", nil)
	})

	t.Run("init --yes with a wrong password stops after one failed logon", func(t *testing.T) {
		dir := testenv.TempDir(t)
		failed := p.squid.FailedLogons()
		conf := filepath.Join(dir, "ferry.toml")
		out, code := runFerryInit(t, dir, "Wrong-pw 9!\n", "--yes", "--parent", p.squid.Addr,
			"--user", p.user, "--domain", p.domain, "--password-stdin", "--store", "config",
			"--config", conf, "--test-url", p.origin.URL+"/echo")
		t.Logf("ferry init:\n%s", out)
		if code != 1 || !strings.Contains(out, "refused the password") {
			t.Errorf("exit %d, want 1 and the refusal:\n%s", code, out)
		}
		if n := failedLogonsSince(p.squid, failed, 1); n != 1 {
			t.Errorf("%d failed logons, want 1", n)
		}
		if _, err := os.Stat(conf); err == nil {
			t.Error("a config was written for a refused password")
		}
	})
}
