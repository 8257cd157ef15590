package main

import (
	"context"
	"os/exec"
	"time"
)

// osProxy asks GNOME's settings (gsettings), when present: other desktops
// export http_proxy, which detectParent reads first.
func osProxy() (addr, from string) {
	if _, err := exec.LookPath("gsettings"); err != nil {
		return "", ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	get := func(schema, key string) string {
		out, err := exec.CommandContext(ctx, "gsettings", "get", schema, key).Output()
		if err != nil {
			return ""
		}
		return string(out)
	}
	mode := get("org.gnome.system.proxy", "mode")
	for _, schema := range []string{"org.gnome.system.proxy.https", "org.gnome.system.proxy.http"} {
		if a := parseGSettings(mode, get(schema, "host"), get(schema, "port")); a != "" {
			return a, "GNOME proxy settings (" + schema + ")"
		}
	}
	return "", ""
}
