package testenv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Ferry is a running ferry binary, stopped when the test ends.
type Ferry struct {
	Addr     string   // the first listener, 127.0.0.1:PORT
	Addrs    []string // every listener ferry logged
	ProxyURL *url.URL // http://Addr
	Config   string   // path of the TOML file it runs with

	t        testing.TB
	cmd      *exec.Cmd
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once

	mu     sync.Mutex
	stderr bytes.Buffer
}

// ferryBuild is the binary built once per test process: building it costs
// seconds, and every e2e test runs it.
var ferryBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// BuildFerry builds ./cmd/ferry once per test process (with -race when the
// tests run with -race, so the relay's races show up in e2e runs too) and
// returns the binary's path. With WineExeEnv set it returns a script that
// runs that Windows ferry.exe under Wine instead.
func BuildFerry(t testing.TB) string {
	t.Helper()
	SkipUnderWine(t, "building ferry needs the Go toolchain, which the Windows test binaries do not have (packaging/wine-check.sh builds ferry.exe and runs it)")
	ferryBuild.once.Do(func() {
		ferryBuild.dir, ferryBuild.err = os.MkdirTemp("", "ferry-e2e-build-")
		if ferryBuild.err != nil {
			return
		}
		if exe := os.Getenv(WineExeEnv); exe != "" {
			ferryBuild.path, ferryBuild.err = wineWrapper(ferryBuild.dir, exe)
			return
		}
		ferryBuild.path = filepath.Join(ferryBuild.dir, "ferry")
		args := []string{"build", "-o", ferryBuild.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "github.com/ferryproxy/ferry/cmd/ferry")
		cmd := exec.Command("go", args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			ferryBuild.err = fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
		}
	})
	if ferryBuild.err != nil {
		t.Fatalf("testenv: build ferry: %v", ferryBuild.err)
	}
	return ferryBuild.path
}

// RemoveFerryBuild deletes the binary BuildFerry made; call it from TestMain
// after m.Run.
func RemoveFerryBuild() {
	if ferryBuild.dir != "" {
		_ = os.RemoveAll(ferryBuild.dir)
	}
}

var listeningAddr = regexp.MustCompile(`msg="ferry listening".*\baddr=(\S+)`)

// StartFerry writes configTOML to a file and runs `ferry run --config FILE -v`
// with env added to a clean environment (no *_proxy variables, no KRB5*). It
// waits up to 10 s for ferry to log that it listens and stops it at cleanup,
// failing the test when ferry does not exit 0 on SIGTERM or reports a data race.
func StartFerry(t testing.TB, configTOML string, env ...string) *Ferry {
	t.Helper()
	return startFerry(t, configTOML, nil, env)
}

// StartFerryArgs runs `ferry run ARGS -v` with no config file (HOME is a
// temp dir, so there is no default one either): a start from flags alone.
// ARGS should hold --listen 127.0.0.1:0.
func StartFerryArgs(t testing.TB, args []string, env ...string) *Ferry {
	t.Helper()
	return startFerry(t, "", args, env)
}

func startFerry(t testing.TB, configTOML string, args, env []string) *Ferry {
	t.Helper()
	bin := BuildFerry(t)
	dir := TempDir(t)
	f := &Ferry{t: t, done: make(chan struct{})}
	runArgs := append([]string{"run"}, args...)
	if configTOML != "" {
		f.Config = filepath.Join(dir, "ferry.toml")
		writeFile(t, f.Config, configTOML, 0o600)
		runArgs = append(runArgs, "--config", f.Config)
	}
	f.cmd = exec.Command(bin, append(runArgs, "-v")...)
	f.cmd.Dir = dir
	f.cmd.Env = append(cleanEnv(), env...)
	f.cmd.Env = append(f.cmd.Env, "HOME="+dir)
	f.cmd.Stdout = io.Discard
	f.cmd.SysProcAttr = childAttr()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatalf("testenv: pipe: %v", err)
	}
	f.cmd.Stderr = pw
	if err := f.cmd.Start(); err != nil {
		t.Fatalf("testenv: start ferry: %v", err)
	}
	pw.Close()

	listening := make(chan string, 4)
	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
		for sc.Scan() {
			line := sc.Text()
			f.mu.Lock()
			f.stderr.WriteString(line + "\n")
			f.mu.Unlock()
			if m := listeningAddr.FindStringSubmatch(line); m != nil {
				select {
				case listening <- strings.Trim(m[1], `"`):
				default:
				}
			}
		}
		pr.Close()
	}()
	go func() {
		<-stderrDone
		f.waitErr = f.cmd.Wait()
		close(f.done)
	}()
	t.Cleanup(f.stopAndCheck)

	timeout := time.After(10 * time.Second)
	for f.Addr == "" {
		select {
		case addr := <-listening:
			f.Addr = addr
		case <-f.done:
			t.Fatalf("testenv: ferry exited before listening: %v\n--- ferry stderr ---\n%s\n--- config ---\n%s", f.waitErr, f.Stderr(), configTOML)
		case <-timeout:
			t.Fatalf("testenv: ferry did not log %q within 10s\n--- ferry stderr ---\n%s", `msg="ferry listening"`, f.Stderr())
		}
	}
	f.Addrs = append(f.Addrs, f.Addr)
	// Further listeners log right after the first.
	for drained := false; !drained; {
		select {
		case addr := <-listening:
			f.Addrs = append(f.Addrs, addr)
		case <-time.After(50 * time.Millisecond):
			drained = true
		}
	}
	f.ProxyURL = &url.URL{Scheme: "http", Host: f.Addr}
	return f
}

// Stderr returns everything ferry has logged so far.
func (f *Ferry) Stderr() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stderr.String()
}

// Pid is the ferry process's id, for CPU and memory measurements.
func (f *Ferry) Pid() int { return f.cmd.Process.Pid }

// Stop sends SIGTERM and waits up to 15 s for ferry to exit; it returns the
// exit error (nil for exit 0). Later calls return the first result.
func (f *Ferry) Stop() error {
	f.stopOnce.Do(func() {
		sig := os.Signal(syscall.SIGTERM)
		if os.Getenv(WineExeEnv) != "" {
			// Wine ends a Windows process on SIGTERM at once; SIGINT it
			// turns into a console Ctrl-C, which ferry.exe drains on.
			sig = os.Interrupt
		}
		_ = f.cmd.Process.Signal(sig)
		select {
		case <-f.done:
		case <-time.After(15 * time.Second):
			_ = killGroup(f.cmd.Process.Pid)
			<-f.done
			f.waitErr = fmt.Errorf("ferry ignored SIGTERM for 15s and was killed (last error: %v)", f.waitErr)
		}
	})
	return f.waitErr
}

// AssertLogHasNo fails t if ferry's log contains any of secrets.
func (f *Ferry) AssertLogHasNo(t testing.TB, secrets ...string) {
	t.Helper()
	log := f.Stderr()
	for _, s := range secrets {
		if s != "" && strings.Contains(log, s) {
			t.Errorf("ferry's log contains the secret %q:\n%s", s, log)
		}
	}
}

func (f *Ferry) stopAndCheck() {
	err := f.Stop()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		f.t.Errorf("testenv: ferry exited with %v on SIGTERM, want exit 0\n--- ferry stderr ---\n%s", err, tail(f.Stderr(), 80))
	default:
		f.t.Errorf("testenv: ferry: %v", err)
	}
	if strings.Contains(f.Stderr(), "WARNING: DATA RACE") {
		f.t.Errorf("testenv: ferry reported a data race:\n%s", f.Stderr())
	}
	if f.t.Failed() && err == nil {
		f.t.Logf("testenv: ferry stderr:\n%s", tail(f.Stderr(), 80))
	}
}

// cleanEnv is the test's environment without proxy settings, Kerberos
// pointers and the desktop's session bus, so ferry sees only what a test
// hands it (and a wrong password in a test pops up nothing on the desktop
// of whoever runs the tests).
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch lk := strings.ToLower(k); {
		case strings.HasSuffix(lk, "_proxy"), strings.HasPrefix(k, "KRB5"), strings.HasPrefix(k, "FERRY_"), k == "HOME", k == "XDG_STATE_HOME",
			k == "DBUS_SESSION_BUS_ADDRESS", k == "XDG_RUNTIME_DIR":
			continue
		}
		out = append(out, kv)
	}
	return out
}
