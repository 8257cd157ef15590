package credentials

import (
	"context"
	"os/exec"
)

// shellCommand runs line through cmd.exe, so that a password_command
// written for the Windows prompt works as typed.
func shellCommand(ctx context.Context, line string) *exec.Cmd {
	return exec.CommandContext(ctx, "cmd.exe", "/C", line)
}
