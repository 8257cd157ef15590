package testenv

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// WineEnv is the environment variable packaging/wine-check.sh sets to 1
// when it runs the Windows test binaries under Wine.
const WineEnv = "FERRY_WINE"

// WineExeEnv names a Windows ferry.exe for the Linux e2e tests to run under
// Wine in place of a ferry they build (packaging/wine-check.sh sets it, with
// WINEPREFIX, for its end-to-end smoke against the real squids).
const WineExeEnv = "FERRY_E2E_WINE_EXE"

// wineWrapper writes a script into dir that runs exe under Wine with the
// prefix from the environment: StartFerry hands ferry a clean environment,
// so the script carries WINEPREFIX itself. exec keeps one process, so the
// test's SIGTERM reaches Wine, which ends ferry.exe.
func wineWrapper(dir, exe string) (string, error) {
	prefix := os.Getenv("WINEPREFIX")
	if prefix == "" {
		return "", fmt.Errorf("%s is set but WINEPREFIX is not: the Wine prefix must hold the bcryptprimitives.dll stub (see packaging/wine-check.sh)", WineExeEnv)
	}
	path := filepath.Join(dir, "ferry-under-wine")
	script := "#!/bin/sh\nWINEPREFIX=" + shellQuote(prefix) + " WINEDEBUG=-all exec wine " + shellQuote(exe) + ` "$@"` + "\n"
	return path, os.WriteFile(path, []byte(script), 0o755)
}

// UnderWine reports whether this is a Windows test binary running under
// Wine (see WineEnv).
func UnderWine() bool { return os.Getenv(WineEnv) == "1" }

// SkipUnderWine skips t under Wine, saying why: for what Wine does not
// really run (SSPI, Task Scheduler, the SCM) or Linux peers a Windows
// binary cannot start. CI=true does not turn this skip into a failure: the
// Linux run of the same test is the one that must not skip.
func SkipUnderWine(t testing.TB, why string) {
	t.Helper()
	if UnderWine() {
		t.Skip("not under Wine: " + why)
	}
}

// TempDir is t.TempDir, removed in a way that works under Wine 8 too: there
// os.RemoveAll fails with "Invalid function" (Go 1.26 deletes with
// FILE_DISPOSITION_INFORMATION_EX, which Wine 8.0 does not implement) while
// os.Remove works, so each entry is removed by itself first. A file still
// open at cleanup still fails the test, as it would on Windows.
func TempDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if UnderWine() {
		// Registered after t.TempDir's own cleanup, so it runs first and
		// leaves RemoveAll an empty directory, which it removes with a
		// plain Remove.
		t.Cleanup(func() {
			if err := removeTree(dir); err != nil {
				t.Errorf("TempDir cleanup under Wine: %v", err)
			}
		})
	}
	return dir
}

// removeTree removes dir and everything under it one entry at a time,
// deepest first.
func removeTree(dir string) error {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return err
	}
	// WalkDir visits a directory before its entries: reversed, every entry
	// goes before its directory.
	slices.Reverse(paths)
	for _, p := range paths {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}
