//go:build !windows && !darwin && !linux

package discover

import (
	"context"
	"errors"
)

// osSettings: other systems keep proxy settings nowhere ferry knows to read.
func osSettings(context.Context, *Options) (Settings, error) {
	return Settings{}, errors.New("OS settings (none on this system)")
}

func osSearchDomains() ([]string, error) { return resolvConfDomains("/etc/resolv.conf") }
