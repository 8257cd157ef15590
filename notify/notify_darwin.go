package notify

import (
	"context"
	"errors"
	"os/exec"
	"strings"
)

// osascript shows notes with AppleScript's display notification, which
// needs no signed app bundle (the User Notifications framework does, and
// cgo). macOS shows them as from "Script Editor".
type osascript struct{}

func newOS() Notifier { return osascript{} }

// Notify runs /usr/bin/osascript. A launchd daemon outside any login
// session gets no window server; osascript then fails and says so.
func (osascript) Notify(ctx context.Context, n Note) error {
	stderr, err := runNote(exec.CommandContext(ctx, "/usr/bin/osascript", osascriptArgs(n)...))
	if err != nil && !errors.Is(err, ErrNoSession) &&
		(strings.Contains(stderr, "-600") || strings.Contains(strings.ToLower(stderr), "connection is invalid")) {
		// -600 procNotFound: no user session's window server to talk to.
		return &NoSessionError{Why: "no window server session", Err: err}
	}
	return err
}
