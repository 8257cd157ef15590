package service

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
)

// Defaults fills the Config fields that come from this machine and user:
// the running executable, the home and application-data directories and
// the account. Executable and ConfigFile can be overridden afterwards.
func Defaults(system bool) (Config, error) {
	c := Config{System: system}
	exe, err := os.Executable()
	if err != nil {
		return c, fmt.Errorf("find the ferry executable: %w", err)
	}
	c.Executable = exe
	if !system {
		if c.Home, err = os.UserHomeDir(); err != nil {
			return c, fmt.Errorf("find your home directory: %w", err)
		}
	}
	switch runtime.GOOS {
	case "linux":
		if x := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
			c.ConfigHome = x
		}
	case "darwin":
		c.Account = strconv.Itoa(os.Getuid())
	case "windows":
		c.LocalAppData = os.Getenv("LOCALAPPDATA")
		c.ProgramData = os.Getenv("ProgramData")
		if u, err := user.Current(); err == nil {
			c.Account = u.Username // DOMAIN\user
		}
	}
	return c, nil
}

// SystemConfigFile is where a system service's config lives: root-owned,
// readable by the service's account.
func SystemConfigFile() string {
	switch runtime.GOOS {
	case "darwin":
		return "/Library/Application Support/ferry/ferry.toml"
	case "windows":
		pd := os.Getenv("ProgramData")
		if pd == "" {
			pd = `C:\ProgramData`
		}
		return filepath.Join(pd, "ferry", "ferry.toml")
	}
	return "/etc/ferry/ferry.toml"
}
