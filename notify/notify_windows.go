package notify

import (
	"context"
	"os"
	"os/exec"

	"golang.org/x/sys/windows/svc"
)

// toast shows notes as Windows toasts through PowerShell (toastScript):
// the WinRT toast API needs COM activation that Go reaches only through
// cgo or a large binding, and PowerShell is on every Windows since 8.
type toast struct{}

func newOS() Notifier { return toast{} }

// Notify runs powershell.exe with the script. A Windows
// service runs in session 0, which has no desktop: it gets ErrNoSession.
func (toast) Notify(ctx context.Context, n Note) error {
	if isSvc, err := svc.IsWindowsService(); err == nil && isSvc {
		return &NoSessionError{Why: "ferry runs as a Windows service (session 0 has no desktop)"}
	}
	cmd := exec.CommandContext(ctx, "powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
		"-EncodedCommand", encodedCommand(toastScript))
	cmd.Env = append(os.Environ(), toastEnv(n)...)
	_, err := runNote(cmd)
	return err
}
