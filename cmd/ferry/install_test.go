package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestMakeInstallFromClone runs README's install command from the clone
// into a temp PREFIX: the binary must run and `man ferry` must find the
// manual page through PATH, as man-db does for ~/.local.
func TestMakeInstallFromClone(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for l := range strings.SplitSeq(string(readme), "\n") {
		if strings.HasPrefix(l, "make install PREFIX=") {
			line = l
			break
		}
	}
	if line == "" {
		t.Fatal("README.md has no 'make install PREFIX=...' line in its install commands")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	prefix := testenv.TempDir(t)
	cmd := exec.Command("make", "-C", filepath.Join("..", ".."), "install", "PREFIX="+prefix)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(prefix, "bin", "ferry"), "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ferry ") {
		t.Fatalf("installed ferry version: %v %q", err, out)
	}
	page := filepath.Join(prefix, "share", "man", "man1", "ferry.1")
	if _, err := os.Stat(page); err != nil {
		t.Fatalf("no manual page: %v", err)
	}
	if _, err := exec.LookPath("man"); err != nil {
		t.Log("man is not installed: the page was not looked up")
		return
	}
	man := exec.Command("man", "-w", "ferry")
	man.Env = append(os.Environ(), "PATH="+filepath.Join(prefix, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"), "MANPATH=")
	var stdout bytes.Buffer
	man.Stdout = &stdout
	if err := man.Run(); err != nil || strings.TrimSpace(stdout.String()) != page {
		t.Errorf("man -w ferry = %q (%v), want %s", stdout.String(), err, page)
	}
}
