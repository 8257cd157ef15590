package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// setDACL gives path exactly the access list in sddl, inheriting nothing.
func setDACL(t *testing.T, path, sddl string) {
	t.Helper()
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	err = windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// TestPermWarningReadsTheACL: a config readable by Everyone is reported
// with advice that keeps SYSTEM's access; one only its owner and SYSTEM can
// read is not.
func TestPermWarningReadsTheACL(t *testing.T) {
	path := filepath.Join(testenv.TempDir(t), "ferry.toml")
	if err := os.WriteFile(path, []byte("[auth]\npassword = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Everyone (WD) may read.
	setDACL(t, path, "D:P(A;;FA;;;SY)(A;;FR;;;WD)")
	w := permWarning(path, 0)
	if !strings.Contains(w, "S-1-1-0 is allowed to read") || !strings.Contains(w, "*S-1-5-18:F") || strings.Contains(w, `\\`) {
		t.Errorf("Everyone may read: warning %q, want one naming S-1-1-0 with icacls advice keeping SYSTEM", w)
	}
	// The owner (OW) and SYSTEM only.
	setDACL(t, path, "D:P(A;;FA;;;SY)(A;;FA;;;OW)")
	if sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION); err == nil &&
		strings.Contains(sd.String(), ";WD)") && testenv.UnderWine() {
		t.Skipf("not under Wine: Wine 8 did not keep the access list it was given (it reads back %s)", sd)
	}
	if w := permWarning(path, 0); w != "" {
		t.Errorf("private file: warning %q, want none", w)
	}
}
