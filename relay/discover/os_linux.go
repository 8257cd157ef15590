package discover

import (
	"context"
	"fmt"
)

// osSettings asks GNOME (the desktops that follow org.gnome.system.proxy:
// GNOME, Cinnamon, Budgie, Unity). Without gsettings it reports the error.
func osSettings(ctx context.Context, opt *Options) (Settings, error) {
	out, err := opt.Run(ctx, "gsettings", gsettingsArgs...)
	if err != nil {
		return Settings{}, fmt.Errorf("GNOME gsettings (%v)", err)
	}
	return parseGsettings(out), nil
}

func osSearchDomains() ([]string, error) { return resolvConfDomains("/etc/resolv.conf") }
