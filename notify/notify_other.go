//go:build !linux && !darwin && !windows

package notify

// The BSDs' desktops (GNOME, KDE, XFCE) serve the freedesktop
// notification specification, as on Linux.
func newOS() Notifier { return freedesktop{} }
