// Package discover finds the proxy settings the system already has, for
// ferry's `parents = ["auto"]`, `pac = "auto"` and zero-configuration mode.
//
// System tries, in order: the environment (http_proxy, HTTPS_PROXY,
// no_proxy...), the operating system's settings (Windows Internet Settings
// in the registry, macOS `scutil --proxy`, GNOME `gsettings`), then, only
// when asked, WPAD through DNS (http://wpad.<search domain>/wpad.dat). The
// first source that names a PAC URL or a proxy wins, and Settings.Source
// says which one it was, for the log. Parent, for ferry init, proposes one
// parent from the environment or the same OS settings.
//
// It does not fetch or evaluate PAC files (relay/pac does), does not use
// DHCP option 252 for WPAD, and reads no credentials: a user:password in a
// proxy URL is dropped. Settings that point at ferry itself (Options.Self),
// as they do once ferry is made the system proxy, are ignored so ferry
// never loops to itself.
//
// The portable files parse each source's text and are tested on every OS;
// os_windows.go, os_darwin.go and os_linux.go only fetch that text.
package discover
