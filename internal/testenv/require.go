package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Require skips t unless every path exists: a name without a slash is looked
// up in PATH (and the sbin directories, where Debian puts krb5kdc and
// kadmin.local), anything else is a file. With CI=true a missing path fails
// the test instead, so that CI never passes by skipping the real-peer tests.
func Require(t testing.TB, what string, paths ...string) {
	t.Helper()
	skipLinuxPeerUnderWine(t, what, paths...)
	var missing []string
	for _, p := range paths {
		if _, err := lookPath(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := what + " needs " + strings.Join(missing, ", ") + ", which is missing"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: not skipping)")
	}
	t.Skip(msg)
}

// lookPath finds a binary or checks that a file exists.
func lookPath(p string) (string, error) {
	if strings.ContainsRune(p, '/') {
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return p, nil
	}
	if full, err := exec.LookPath(p); err == nil {
		return full, nil
	}
	// A non-root PATH often lacks the sbin directories.
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		full := filepath.Join(d, p)
		if fi, err := os.Stat(full); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return full, nil
		}
	}
	return "", exec.ErrNotFound
}

// skipLinuxPeerUnderWine skips a test that needs a Linux program (squid,
// the KDC, Samba, curl) when it runs as a Windows binary under Wine, which
// cannot start one. The Linux run of the same test covers it, and
// packaging/wine-check.sh drives ferry.exe against those peers.
func skipLinuxPeerUnderWine(t testing.TB, what string, paths ...string) {
	t.Helper()
	SkipUnderWine(t, what+" needs "+strings.Join(paths, ", ")+", Linux programs a Windows test binary cannot start (packaging/wine-check.sh runs ferry.exe against them instead)")
}
