//go:build !windows

package config

import (
	"fmt"
	"io/fs"
)

// permWarning warns when a file holding a password can be read by other
// users. Windows files have ACLs instead of mode bits: see perm_windows.go.
func permWarning(path string, mode fs.FileMode) string {
	if mode.Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("config file %s holds a password and other users can read it (mode %04o): run chmod 600 %s",
		path, mode.Perm(), path)
}
