//go:build unix

package testenv

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// NTLMDomain is the NTLM domain a test NTLMVerifier's users belong to.
const NTLMDomain = "CORP"

// winbinddSocketDir is libwbclient's compiled-in socket directory. It ignores
// smb.conf's `winbindd socket directory` (only Samba's selftest builds read
// another one), so a test winbindd has to listen there and only one can run
// on a host at a time.
const winbinddSocketDir = "/run/samba/winbindd"

// winbinddLockFile serialises test winbindds across test processes: go test
// runs packages in parallel and each may want one.
const winbinddLockFile = "/run/samba/ferry-testenv-winbindd.lock"

// winbinddLockWait is how long StartNTLMVerifier waits for another test's
// winbindd to go away.
const winbinddLockWait = 5 * time.Minute

// StartNTLMVerifier starts a winbindd for users (name to password) and
// returns the helper squid runs to check NTLM logons against them. Users log
// on as NTLMDomain\name (or just name). It needs root: each user must also be
// a Unix account, so missing ones are created (and removed at cleanup).
//
// One test at a time holds the host's winbindd: a second caller, in this
// process or another, waits until the first test's cleanup. A test must not
// call it twice.
func StartNTLMVerifier(t testing.TB, users map[string]string) *NTLMVerifier {
	t.Helper()
	Require(t, "NTLM verification with Samba", "winbindd", "ntlm_auth", "smbpasswd", "useradd", "userdel")
	if os.Geteuid() != 0 {
		unavailable(t, "NTLM verification with Samba needs root (Unix accounts, winbindd's fixed socket directory)")
	}
	proxy, err := user.Lookup("proxy")
	if err != nil {
		unavailable(t, fmt.Sprintf("NTLM verification: squid's helper runs as user proxy: %v", err))
	}
	proxyGID, _ := strconv.Atoi(proxy.Gid)

	dir := TempDir(t)
	openForProxy(t, dir)
	v := &NTLMVerifier{Domain: NTLMDomain, Dir: dir}
	conf := filepath.Join(dir, "smb.conf")
	for _, d := range []string{"lock", "state", "cache", "private", "pid", "ncalrpc"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatalf("testenv: %v", err)
		}
	}
	// winbindd creates its privileged pipe's directory (Samba 4.17: the
	// state directory's winbindd_privileged) root-owned and 0750,
	// and accepts one that already is (it checks owner and mode, not group).
	// Giving it group proxy lets squid's helper in without adding proxy to
	// the system's winbindd_priv group.
	priv := filepath.Join(dir, "state", "winbindd_privileged")
	if err := os.Mkdir(priv, 0o750); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if err := os.Chown(priv, 0, proxyGID); err != nil {
		t.Fatalf("testenv: chown %s to group proxy: %v", priv, err)
	}
	if err := os.Chmod(priv, 0o750); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	writeFile(t, conf, sambaConfig(dir), 0o644)

	lockWinbindd(t)
	if winbinddAnswers() {
		unavailable(t, "NTLM verification: a winbindd not started by this test already listens on "+winbinddSocketDir)
	}
	for name, pw := range users {
		addSambaUser(t, conf, name, pw)
	}
	startWinbindd(t, dir, conf, priv)

	ntlmAuth, err := lookPath("ntlm_auth")
	if err != nil {
		t.Fatalf("testenv: ntlm_auth: %v", err)
	}
	v.Program = filepath.Join(dir, "ntlm_auth.sh")
	writeFile(t, v.Program, fmt.Sprintf("#!/bin/sh\nexec %s --configfile=%s --helper-protocol=squid-2.5-ntlmssp\n",
		shellQuote(ntlmAuth), shellQuote(conf)), 0o755)
	return v
}

// sambaConfig is a standalone server whose every directory is under dir.
// The NTLM domain of a standalone server's SAM is its netbios name; the
// workgroup only has to differ from it.
func sambaConfig(dir string) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("[global]")
	p("netbios name = %s", NTLMDomain)
	p("workgroup = %sWG", NTLMDomain)
	p("server role = standalone server")
	p("passdb backend = tdbsam:%s", filepath.Join(dir, "private", "passdb.tdb"))
	p("private dir = %s", filepath.Join(dir, "private"))
	p("lock directory = %s", filepath.Join(dir, "lock"))
	p("state directory = %s", filepath.Join(dir, "state"))
	p("cache directory = %s", filepath.Join(dir, "cache"))
	p("pid directory = %s", filepath.Join(dir, "pid"))
	p("ncalrpc dir = %s", filepath.Join(dir, "ncalrpc"))
	p("log file = %s", filepath.Join(dir, "log.%%m"))
	p("logging = file")
	p("log level = 1")
	// Otherwise winbindd tries to spawn samba-dcerpcd for its local SAM
	// lookups; NTLM logons do not need it.
	p("rpc start on demand helpers = no")
	p("load printers = no")
	// Samba 4.17's default, stated because the point is to refuse
	// anything weaker than NTLMv2 the way a hardened domain does.
	p("ntlm auth = ntlmv2-only")
	return b.String()
}

// addSambaUser makes name a Unix account (Samba's SAM requires one) and
// gives it password pw in the SAM.
func addSambaUser(t testing.TB, conf, name, pw string) {
	t.Helper()
	if _, err := user.Lookup(name); err != nil {
		if out, err := exec.Command("useradd", "-M", "-s", "/usr/sbin/nologin", name).CombinedOutput(); err != nil {
			t.Fatalf("testenv: useradd %s: %v\n%s", name, err, out)
		}
		t.Cleanup(func() {
			if out, err := exec.Command("userdel", name).CombinedOutput(); err != nil {
				t.Logf("testenv: userdel %s: %v\n%s", name, err, out)
			}
		})
	}
	cmd := exec.Command("smbpasswd", "-c", conf, "-s", "-a", name)
	cmd.Stdin = strings.NewReader(pw + "\n" + pw + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testenv: smbpasswd -a %s: %v\n%s", name, err, out)
	}
}

// startWinbindd runs winbindd in the foreground until the test ends. Its
// stdin is a pipe from us: winbindd exits on EOF there, so it does not
// outlive a test binary that is killed.
func startWinbindd(t testing.TB, dir, conf, priv string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(winbinddSocketDir), 0o755); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	logPath := filepath.Join(dir, "winbindd.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	defer logFile.Close()
	cmd := exec.Command("winbindd", "--configfile="+conf, "--foreground", "--no-process-group", "--debug-stdout", "--debuglevel=1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	// Its own process group, so the domain child it forks dies with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: start winbindd: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			t.Logf("testenv: winbindd.log:\n%s", tail(readFile(logPath), 30))
		}
	})

	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("testenv: winbindd exited at start: %v\n%s", err, tail(readFile(logPath), 30))
		default:
		}
		_, privErr := os.Stat(filepath.Join(priv, "pipe"))
		if privErr == nil && winbinddAnswers() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: winbindd did not listen on %s within 20s\n%s", winbinddSocketDir, tail(readFile(logPath), 30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// winbinddAnswers reports whether something accepts connections on
// libwbclient's public pipe. A socket file left by a dead winbindd refuses.
func winbinddAnswers() bool {
	c, err := net.DialTimeout("unix", filepath.Join(winbinddSocketDir, "pipe"), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// lockWinbindd takes the host-wide winbindd lock until the test ends.
// flock locks belong to the open file, so two tests of one process exclude
// each other too, and a killed process releases its lock.
func lockWinbindd(t testing.TB) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(winbinddLockFile), 0o755); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	f, err := os.OpenFile(winbinddLockFile, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	deadline := time.Now().Add(winbinddLockWait)
	logged := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			t.Fatalf("testenv: lock %s: %v", winbinddLockFile, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			t.Fatalf("testenv: another test held the winbindd lock %s for %v (a test may call StartNTLMVerifier only once)",
				winbinddLockFile, winbinddLockWait)
		}
		if !logged {
			t.Logf("testenv: waiting for another test's winbindd (%s)", winbinddLockFile)
			logged = true
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Closing the file releases the lock.
	t.Cleanup(func() { _ = f.Close() })
}

// SetPassword changes name's password in the SAM, as a user changing it at
// their desktop does: a client still holding the old one is then refused.
func (v *NTLMVerifier) SetPassword(t testing.TB, name, pw string) {
	t.Helper()
	cmd := exec.Command("smbpasswd", "-c", filepath.Join(v.Dir, "smb.conf"), "-s", name)
	cmd.Stdin = strings.NewReader(pw + "\n" + pw + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testenv: smbpasswd %s: %v\n%s", name, err, out)
	}
}
