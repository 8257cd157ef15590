//go:build !windows

package service

import "errors"

// UnderServiceManager reports whether the Windows SCM started this process:
// never here. systemd and launchd run `ferry run`, which logs to stderr and
// drains on SIGTERM.
func UnderServiceManager() bool { return false }

// RunService is only for the Windows SCM.
func RunService(c Config, run RunFunc) error {
	return errors.New("ferry service run: only the Windows service manager uses it; systemd and launchd run ferry run")
}

// DetachConsole does nothing outside Windows.
func DetachConsole() {}
