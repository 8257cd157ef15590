package main

import (
	"os"
	"path/filepath"
	"runtime"
)

// lockoutStateFile is where ferry keeps rested credentials (as salted
// scrypt fingerprints) across restarts: the user's state directory, as the
// XDG Base Directory spec defines it on Linux and the BSDs
// ($XDG_STATE_HOME, else ~/.local/state), ~/Library/Application Support on
// macOS, %LOCALAPPDATA% on Windows. It returns "" when no such directory
// can be found (a service without a home): rests are then kept in memory.
func lockoutStateFile(getenv func(string) string) string {
	dir := stateDir(getenv)
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "ferry", "lockout.json")
}

func stateDir(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows":
		return getenv("LOCALAPPDATA")
	case "darwin":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support")
		}
		return ""
	}
	if d := getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return d
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "state")
	}
	return ""
}
