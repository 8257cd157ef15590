package discover

import (
	"context"
	"fmt"
)

// osSettings asks GNOME (the desktops that follow org.gnome.system.proxy:
// GNOME, Cinnamon, Budgie, Unity). Without gsettings it reports the error.
func osSettings(ctx context.Context, opt *Options) (Settings, error) {
	// One command for all of GNOME's proxy keys; its output has lines
	// "org.gnome.system.proxy.http host 'proxy.corp.example'".
	out, err := opt.Run(ctx, "gsettings", "list-recursively", "org.gnome.system.proxy")
	if err != nil {
		return Settings{}, fmt.Errorf("GNOME gsettings (%v)", err)
	}
	return parseGsettings(out), nil
}

func osSearchDomains() ([]string, error) { return resolvConfDomains("/etc/resolv.conf") }
