// Package notify shows a short message on the user's desktop: the
// freedesktop notification service over the D-Bus session bus (Linux and
// the BSDs), `osascript -e 'display notification'` on macOS, a toast through
// PowerShell on Windows.
//
// It holds the mechanism only. What to say, when, and how often is the
// caller's (cmd/ferry turns the relay's events into Notes; the relay
// decides "once per rest"). A process without a desktop session (a system
// service, an SSH login, a container) gets an error that matches
// ErrNoSession, so that the caller can log the message instead.
package notify
