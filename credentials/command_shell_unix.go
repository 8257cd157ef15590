//go:build !windows

package credentials

import (
	"context"
	"os/exec"
)

// shellCommand runs line the way a user's shell would, so that pipes and
// quoting in password_command work as typed.
func shellCommand(ctx context.Context, line string) *exec.Cmd {
	return exec.CommandContext(ctx, "/bin/sh", "-c", line)
}
