package main

import "golang.org/x/sys/windows/registry"

// osProxy reads the user's Internet Settings, which the Windows proxy
// dialog, Edge and group policy write.
func osProxy() (addr, from string) {
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Microsoft\Windows\CurrentVersion\Internet Settings`, registry.QUERY_VALUE)
	if err != nil {
		return "", ""
	}
	defer k.Close()
	if enabled, _, err := k.GetIntegerValue("ProxyEnable"); err != nil || enabled == 0 {
		return "", ""
	}
	server, _, err := k.GetStringValue("ProxyServer")
	if err != nil {
		return "", ""
	}
	if a := parseWindowsProxyServer(server); a != "" {
		return a, "Windows Internet Settings"
	}
	return "", ""
}
