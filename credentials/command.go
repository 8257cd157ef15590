package credentials

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Where a password comes from when it is not in the config file. Each
// source is asked once, at start; ferry then keeps only the NT hash (see
// auth.NewNTLM). None of them logs or returns the password in an error.

// PasswordSource yields the password.
type PasswordSource interface {
	Password(ctx context.Context) (string, error)
	// String names the source for messages, never the secret.
	String() string
}

// DefaultCommandTimeout bounds a password command: a helper that waits
// for input nobody gives (a GUI pinentry on a server) must not hang ferry.
const DefaultCommandTimeout = 30 * time.Second

// PasswordCommand runs Command through the shell (sh -c, or cmd /C on
// Windows) and takes the first line of its stdout as the password, like
// git's credential helpers and `pass show`, whose first line is the
// password.
type PasswordCommand struct {
	Command string
	// Env is the command's environment; nil means ferry's own.
	Env []string
}

// String names the command for messages.
func (c PasswordCommand) String() string { return fmt.Sprintf("password_command %q", c.Command) }

// Password runs the command, bounded by DefaultCommandTimeout when ctx has
// no deadline. Its errors carry the command's stderr, never its stdout.
func (c PasswordCommand) Password(ctx context.Context) (string, error) {
	if strings.TrimSpace(c.Command) == "" {
		return "", errors.New("password_command is empty: name a command that prints the password, e.g. \"pass show corp/ad\"")
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultCommandTimeout)
		defer cancel()
	}
	cmd := shellCommand(ctx, c.Command)
	cmd.Env = c.Env
	// A helper's children may hold stdout open after it is killed.
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// The command may prompt (gpg-agent's pinentry): give it the terminal.
	cmd.Stdin = os.Stdin
	err := cmd.Run()
	defer clear(stdout.Bytes())
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 500 {
			msg = msg[:500] + "..."
		}
		if ctx.Err() != nil {
			err = errors.New("no answer in time, stopped (a helper waiting for input that never comes?)")
		}
		if msg != "" {
			return "", fmt.Errorf("%s failed: %v: %s", c, err, msg)
		}
		return "", fmt.Errorf("%s failed: %v", c, err)
	}
	line, _, _ := strings.Cut(stdout.String(), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", fmt.Errorf("%s printed no password on its first line: check it by running it yourself", c)
	}
	return line, nil
}
