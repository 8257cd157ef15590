package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	cmd := exec.CommandContext(ctx, "/usr/bin/osascript", osascriptArgs(n)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if errors.Is(err, exec.ErrNotFound) {
		return &NoSessionError{Why: "osascript is missing", Err: err}
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "-600") || strings.Contains(strings.ToLower(msg), "connection is invalid") {
			// -600 procNotFound: no user session's window server to talk to.
			return &NoSessionError{Why: "no window server session", Err: fmt.Errorf("%w: %s", err, msg)}
		}
		return fmt.Errorf("osascript: %w: %s", err, msg)
	}
	return nil
}
