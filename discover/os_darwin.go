package discover

import (
	"context"
	"fmt"
)

// osSettings reads the primary network service's proxies with scutil, which
// sees what System Settings > Network > Proxies holds, VPN profiles included.
func osSettings(ctx context.Context, opt *Options) (Settings, error) {
	out, err := opt.Run(ctx, "scutil", "--proxy")
	if err != nil {
		return Settings{}, fmt.Errorf("macOS scutil (%v)", err)
	}
	return parseScutil(out), nil
}

func osSearchDomains() ([]string, error) { return resolvConfDomains("/etc/resolv.conf") }
