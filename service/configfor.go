package service

import (
	"fmt"
	"path/filepath"
)

// ConfigFor builds the Config for this machine: Defaults, with executable
// (when set) and configPath made absolute. An empty configPath is
// SystemConfigFile in system mode, else userDefault's answer (ferry's
// per-user default, which this package does not know).
func ConfigFor(system bool, configPath, executable string, userDefault func() (string, error)) (Config, error) {
	c, err := Defaults(system)
	if err != nil {
		return c, err
	}
	if executable != "" {
		c.Executable = executable
	}
	if c.Executable, err = filepath.Abs(c.Executable); err != nil {
		return c, err
	}
	if configPath == "" {
		if system {
			configPath = SystemConfigFile()
		} else if configPath, err = userDefault(); err != nil {
			return c, fmt.Errorf("find the default config file: %w: pass --config FILE", err)
		}
	}
	c.ConfigFile, err = filepath.Abs(configPath)
	return c, err
}
