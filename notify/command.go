package notify

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"
)

// runNote runs the program that shows a note (osascript, powershell.exe)
// and returns its complaint on failure; a missing program means there is
// no desktop to notify.
func runNote(cmd *exec.Cmd) (stderr string, err error) {
	var buf bytes.Buffer
	cmd.Stderr = &buf
	err = cmd.Run()
	stderr = strings.TrimSpace(buf.String())
	switch {
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return stderr, &NoSessionError{Why: cmd.Path + " is missing", Err: err}
	case err != nil:
		return stderr, fmt.Errorf("%s: %w: %s", cmd.Path, err, stderr)
	}
	return stderr, nil
}
