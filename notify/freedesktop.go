package notify

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/godbus/dbus/v5"
)

// freedesktop notifies through the Desktop Notifications Specification
// (org.freedesktop.Notifications, version 1.2) on the D-Bus session bus:
// GNOME, KDE, XFCE, mako and dunst all serve it. It builds on every OS
// (godbus is pure Go); newOS picks it on Linux and the BSDs.
//
// It connects per note: notes are rare (once per rest of the credentials),
// and a long-lived connection would have to survive the session bus
// restarting under a service that outlives a login.
type freedesktop struct {
	// getenv reads the environment (os.Getenv; tests inject their own).
	getenv func(string) string
}

const (
	fdName   = "org.freedesktop.Notifications"
	fdPath   = dbus.ObjectPath("/org/freedesktop/Notifications")
	fdNotify = fdName + ".Notify"
	// fdTimeout is the expire_timeout argument: -1 lets the server decide
	// (most keep an urgent note until it is dismissed).
	fdTimeout = int32(-1)
	// fdUrgencyNormal: "critical" would pin it on screen; the status page
	// and the error pages also carry the news.
	fdUrgencyNormal = byte(1)
)

// Notify sends n to the notification server on the session bus that
// DBUS_SESSION_BUS_ADDRESS names or, without it, on systemd's per-user bus
// $XDG_RUNTIME_DIR/bus (what sd-bus and GLib use: a user service started
// by systemd --user before the desktop exported the variable has only
// this). ferry never autolaunches a bus (godbus would run dbus-launch,
// which starts a bus no desktop listens to).
func (f freedesktop) Notify(ctx context.Context, n Note) error {
	getenv := f.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	addr := sessionBus(getenv)
	if addr == "" {
		return &NoSessionError{Why: "DBUS_SESSION_BUS_ADDRESS is not set"}
	}
	conn, err := dbus.Connect(addr, dbus.WithContext(ctx))
	if err != nil {
		return &NoSessionError{Why: "cannot connect to the session bus", Err: err}
	}
	defer conn.Close()
	n = n.cleaned()
	hints := map[string]dbus.Variant{
		"urgency":       dbus.MakeVariant(fdUrgencyNormal),
		"desktop-entry": dbus.MakeVariant("ferry"),
	}
	// Notify(app_name, replaces_id, app_icon, summary, body, actions, hints,
	// expire_timeout) -> id. The body may hold markup on some servers: ferry
	// sends plain text, escaped in fdBody.
	call := conn.Object(fdName, fdPath).CallWithContext(ctx, fdNotify, 0,
		"ferry", uint32(0), "dialog-password", n.Title, fdBody(n.Body), []string{}, hints, fdTimeout)
	if call.Err != nil {
		var de dbus.Error
		if errors.As(call.Err, &de) && de.Name == "org.freedesktop.DBus.Error.ServiceUnknown" {
			return &NoSessionError{Why: "no notification server on the session bus", Err: call.Err}
		}
		return call.Err
	}
	return nil
}

// sessionBus is the session bus's address, "" when there is none.
func sessionBus(getenv func(string) string) string {
	if addr := getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" {
		return addr
	}
	rt := getenv("XDG_RUNTIME_DIR")
	if rt == "" {
		return ""
	}
	p := filepath.Join(rt, "bus")
	if fi, err := os.Stat(p); err != nil || fi.Mode()&os.ModeSocket == 0 {
		return ""
	}
	return "unix:path=" + p
}

// fdBody escapes the characters the specification's body markup gives a
// meaning ("Body text may contain markup", section "Markup"): servers that
// support markup would otherwise hide <...> or misread &.
func fdBody(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			out = append(out, "&amp;"...)
		case '<':
			out = append(out, "&lt;"...)
		case '>':
			out = append(out, "&gt;"...)
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}
