package discover

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/windows/registry"
)

const internetSettingsKey = `Software\Microsoft\Windows\CurrentVersion\Internet Settings`

// osSettings reads the current user's Internet Settings, which Edge,
// Chrome and WinINet apps use (and which a domain's group policy sets).
func osSettings(ctx context.Context, opt *Options) (Settings, error) {
	return readInternetSettings(registry.CURRENT_USER, internetSettingsKey)
}

// readInternetSettings reads the values from any key, so tests can use a
// scratch key instead of the user's real settings.
func readInternetSettings(root registry.Key, path string) (Settings, error) {
	k, err := registry.OpenKey(root, path, registry.QUERY_VALUE)
	if err != nil {
		return Settings{}, fmt.Errorf("registry HKCU\\%s (%v)", path, err)
	}
	defer k.Close()
	autoURL, _, _ := k.GetStringValue("AutoConfigURL")
	enable, _, _ := k.GetIntegerValue("ProxyEnable")
	server, _, _ := k.GetStringValue("ProxyServer")
	override, _, _ := k.GetStringValue("ProxyOverride")
	return internetSettings(autoURL, enable, server, override), nil
}

// osSearchDomains reads the DNS suffix search list of TCP/IP: SearchList
// (set by policy or by hand), else the primary and DHCP domains.
func osSearchDomains() ([]string, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Services\Tcpip\Parameters`, registry.QUERY_VALUE)
	if err != nil {
		return nil, fmt.Errorf("read DNS search list: %w", err)
	}
	defer k.Close()
	var out []string
	if list, _, err := k.GetStringValue("SearchList"); err == nil {
		for _, d := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
			out = appendUnique(out, d)
		}
	}
	for _, name := range []string{"Domain", "DhcpDomain"} {
		if d, _, err := k.GetStringValue(name); err == nil && strings.TrimSpace(d) != "" {
			out = appendUnique(out, strings.TrimSpace(d))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no DNS search domain in the TCP/IP settings")
	}
	return out, nil
}
