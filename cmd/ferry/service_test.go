package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// serviceHome makes a temporary HOME with a ferry.toml at the default
// path (Linux layout) and returns the home and the config path.
func serviceHome(t *testing.T, toml string) (home, config string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the per-user layout checked here is Linux's; service/ golden tests cover the others")
	}
	home = testenv.TempDir(t)
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("FERRY_PASSWORD", "")
	config = filepath.Join(home, ".config", "ferry", "ferry.toml")
	if err := os.MkdirAll(filepath.Dir(config), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return home, config
}

// closedAddr is a loopback address where nothing listens (a port the
// system just handed out and took back).
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

const serviceTOML = "parents = [\"127.0.0.1:9\"]\n[auth]\nscheme = \"none\"\n"

func TestServiceInstallDryRunPrintsTheUnitAndWritesNothing(t *testing.T) {
	home, config := serviceHome(t, serviceTOML)
	status, out, errOut := runArgs(t, "service", "install", "--dry-run", "--executable", "/usr/local/bin/ferry")
	if status != exitOK {
		t.Fatalf("status %d, stderr:\n%s", status, errOut)
	}
	unit := filepath.Join(home, ".config", "systemd", "user", "ferry.service")
	for _, want := range []string{
		"write " + unit + " (systemd user unit, mode 0644)",
		"ExecStart=/usr/local/bin/ferry run --config " + config,
		"WantedBy=default.target",
		"Restart=on-failure",
		"systemctl --user enable ferry.service",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Dir(unit)); !os.IsNotExist(err) {
		t.Errorf("dry run created %s (stat: %v)", filepath.Dir(unit), err)
	}
}

func TestServiceInstallWritesTheUserUnitAndUninstallRemovesIt(t *testing.T) {
	if fi, err := os.Stat("/run/systemd/system"); err == nil && fi.IsDir() {
		t.Skip("systemd runs here: installing would enable a real user unit")
	}
	// Not the default 127.0.0.1:3128: whatever listens there (a ferry,
	// cntlm or squid of this machine) would answer 'service status'.
	home, config := serviceHome(t, "listen = [\""+closedAddr(t)+"\"]\n"+serviceTOML)
	status, out, errOut := runArgs(t, "service", "install", "--executable", "/opt/ferry/bin/ferry")
	if status != exitOK {
		t.Fatalf("status %d, stdout:\n%s\nstderr:\n%s", status, out, errOut)
	}
	unit := filepath.Join(home, ".config", "systemd", "user", "ferry.service")
	data, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\nExecStart=/opt/ferry/bin/ferry run --config " + config + "\n",
		"\nEnvironmentFile=-" + filepath.Join(filepath.Dir(config), "ferry.env") + "\n",
		"\nRestart=on-failure\n",
		"\nWantedBy=default.target\n",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %q:\n%s", unit, want, data)
		}
	}
	if fi, _ := os.Stat(unit); fi.Mode().Perm() != 0o644 {
		t.Errorf("%s has mode %v, want 0644", unit, fi.Mode().Perm())
	}
	// No systemd: the install still succeeds and says what to run.
	for _, want := range []string{"systemd is not running", "systemctl --user enable ferry.service", "installed ferry as a systemd user unit"} {
		if !strings.Contains(out, want) {
			t.Errorf("install output lacks %q:\n%s", want, out)
		}
	}

	status, out, _ = runArgs(t, "service", "status")
	if status != exitNotRunning || !strings.Contains(out, "installed: yes, systemd user unit ("+unit+")") {
		t.Errorf("status: %d\n%s", status, out)
	}

	if status, out, errOut := runArgs(t, "service", "uninstall"); status != exitOK || !strings.Contains(out, "removed "+unit) {
		t.Fatalf("uninstall: status %d\n%s%s", status, out, errOut)
	}
	if _, err := os.Stat(unit); !os.IsNotExist(err) {
		t.Errorf("%s still there after uninstall (stat: %v)", unit, err)
	}
	status, _, errOut = runArgs(t, "service", "uninstall")
	if status != exitError || !strings.Contains(errOut, "not installed") {
		t.Errorf("second uninstall: status %d, stderr %q", status, errOut)
	}
}

func TestServiceInstallRefusesAConfigThatWouldNotStart(t *testing.T) {
	home, config := serviceHome(t, "[auth]\nscheme = \"none\"\n") // no parents
	status, out, errOut := runArgs(t, "service", "install")
	if status != exitError {
		t.Fatalf("status %d, want %d; stdout:\n%s", status, exitError, out)
	}
	for _, want := range []string{config + " would not start ferry", "no parent proxy", "ferry service install again"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "systemd")); !os.IsNotExist(err) {
		t.Errorf("a refused install wrote files (stat: %v)", err)
	}

	status, _, errOut = runArgs(t, "service", "install", "--config", filepath.Join(home, "missing.toml"))
	if status != exitError || !strings.Contains(errOut, "no config file at "+filepath.Join(home, "missing.toml")) {
		t.Errorf("missing config: status %d, stderr %q", status, errOut)
	}
}

// The service does not inherit this shell's environment: a password only
// in FERRY_PASSWORD here is refused, with where to put it instead.
func TestServiceInstallWantsThePasswordWhereTheServiceSeesIt(t *testing.T) {
	_, config := serviceHome(t, "parents = [\"127.0.0.1:9\"]\n[auth]\nscheme = \"basic\"\nuser = \"alice\"\n")
	t.Setenv("FERRY_PASSWORD", "from-the-shell")
	envFile := filepath.Join(filepath.Dir(config), "ferry.env")
	status, _, errOut := runArgs(t, "service", "install", "--dry-run")
	if status != exitError || !strings.Contains(errOut, "put FERRY_PASSWORD=... in "+envFile) {
		t.Fatalf("status %d, stderr:\n%s", status, errOut)
	}
	if strings.Contains(errOut, "from-the-shell") {
		t.Errorf("stderr shows the password:\n%s", errOut)
	}
	if err := os.WriteFile(envFile, []byte("# for the unit\nFERRY_PASSWORD='s3cret'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if status, _, errOut := runArgs(t, "service", "install", "--dry-run"); status != exitOK {
		t.Fatalf("with %s: status %d, stderr:\n%s", envFile, status, errOut)
	}
}

// In auto mode the config loads without the password (Kerberos only), so
// the password that is only in this shell must be caught on its own.
func TestServiceInstallRefusesAShellOnlyPasswordInAutoMode(t *testing.T) {
	_, config := serviceHome(t, "parents = [\"127.0.0.1:9\"]\n[auth]\nuser = \"alice\"\ndomain = \"CORP\"\n")
	t.Setenv("FERRY_PASSWORD", "from-the-shell")
	status, _, errOut := runArgs(t, "service", "install", "--dry-run")
	for _, want := range []string{`the password of CORP\alice is only in this shell's FERRY_PASSWORD`, "OS keyring", "ferry hash"} {
		if status != exitError || !strings.Contains(errOut, want) {
			t.Errorf("status %d, stderr lacks %q:\n%s", status, want, errOut)
		}
	}
	if strings.Contains(errOut, "from-the-shell") {
		t.Errorf("stderr shows the password:\n%s", errOut)
	}
	if err := os.WriteFile(config, []byte("parents = [\"127.0.0.1:9\"]\n[auth]\nuser = \"alice\"\npassword_command = \"cat /nonexistent\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if status, _, errOut := runArgs(t, "service", "install", "--dry-run"); status != exitOK {
		t.Errorf("with password_command: status %d, stderr:\n%s", status, errOut)
	}
}

// status asks the relay itself, on the config's listen address.
func TestServiceStatusShowsTheRunningRelay(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, config := serviceHome(t, "listen = [\""+addr+"\"]\n"+serviceTOML)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		var out, errOut bytes.Buffer
		done <- runContext(ctx, []string{"run", "--config", config}, &out, &errOut)
	}()
	t.Cleanup(func() { cancel(); <-done })

	var status int
	var out string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if status, out, _ = runArgs(t, "service", "status"); status == exitOK {
			break
		}
	}
	if status != exitOK {
		t.Fatalf("status %d:\n%s", status, out)
	}
	for _, want := range []string{"installed: no", "relay at " + addr + ": running", "is running (up", "parent 127.0.0.1:9"} {
		if !strings.Contains(out, want) {
			t.Errorf("status output lacks %q:\n%s", want, out)
		}
	}
}

func TestServiceUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"service"}, {"service", "frobnicate"}, {"service", "install", "extra"}} {
		if status, _, errOut := runArgs(t, args...); status != exitUsage || !strings.Contains(errOut, "ferry service") {
			t.Errorf("%v: status %d, stderr %q", args, status, errOut)
		}
	}
}

// The sample shipped in packages and archives must load as it is, so that
// a fresh install only needs the parents and the user changed.
func TestPackagedSampleConfigLoads(t *testing.T) {
	path := filepath.Join("..", "..", "packaging", "ferry.toml")
	cfg, err := config.Load(path, config.Overrides{Getenv: func(string) string { return "" }, NoSecrets: true})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(cfg.Parents) != 1 || cfg.Parents[0] != "proxy.corp.example:8080" || cfg.Listen[0] != "127.0.0.1:3128" {
		t.Errorf("%s: parents %v listen %v", path, cfg.Parents, cfg.Listen)
	}
}

// `ferry service run --log-file` (what the Windows logon task runs) is
// ferry run with its log in the file, stopped by the context.
func TestServiceRunLogsToTheFileAndStopsOnCancel(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	home, config := serviceHome(t, "listen = [\""+addr+"\"]\n"+serviceTOML)
	logFile := filepath.Join(home, "logs", "ferry.log")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		var out, errOut bytes.Buffer
		done <- runContext(ctx, []string{"service", "run", "--config", config, "--log-file", logFile}, &out, &errOut)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		data, _ := os.ReadFile(logFile)
		if strings.Contains(string(data), "ferry listening") {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("no \"ferry listening\" in %s after 5s:\n%s", logFile, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case status := <-done:
		if status != exitOK {
			t.Errorf("status %d after cancel", status)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("service run did not stop after cancel")
	}
	if fi, err := os.Stat(logFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("log file: %v, mode %v, want 0600", err, fi.Mode().Perm())
	}
}
