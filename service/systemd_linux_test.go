package service

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestGeneratedUnitsPassSystemdAnalyze has systemd itself check both units
// (unknown keys, bad values, an ExecStart that is not executable). It does
// not need systemd running.
func TestGeneratedUnitsPassSystemdAnalyze(t *testing.T) {
	testenv.Require(t, "checking the units", "systemd-analyze")
	exe, err := os.Executable() // any executable file will do for ExecStart
	if err != nil {
		t.Fatal(err)
	}
	for _, system := range []bool{false, true} {
		home := testenv.TempDir(t)
		c := Config{System: system, Executable: exe, ConfigFile: filepath.Join(home, "ferry.toml"), Home: home}
		if system {
			c.ConfigFile = "/etc/ferry/ferry.toml" // need not exist; /tmp would be refused
		}
		p, err := PlanFor("linux", c)
		if err != nil {
			t.Fatal(err)
		}
		unit := filepath.Join(testenv.TempDir(t), Name+".service")
		if err := os.WriteFile(unit, p.Files[0].Content, 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"verify", unit}
		if !system {
			args = []string{"--user", "verify", unit}
		}
		cmd := exec.Command("systemd-analyze", args...)
		// --user needs a runtime directory even when no user manager runs.
		runtimeDir := testenv.TempDir(t)
		cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+runtimeDir, "HOME="+home, "SYSTEMD_LOG_LEVEL=notice")
		out, err := cmd.CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("systemd-analyze %v: %v\n%s", args, err, out)
		}
	}
}
