package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/credentials"
	"github.com/ferryproxy/ferry/setup"
)

const passwordUsage = `Usage: ferry password [--config FILE] [--test-url URL]

Change the password ferry logs on with, after it changed at the company:
ask for the new one (no echo; read from standard input when that is not a
terminal), check it with one logon at the first reachable parent, and
store it where the config keeps the secret:

  auth.keyring, or --user's entry   the OS keyring entry
  auth.password                     the config file (comments, order and
                                    mode kept)
  pass_nt, pass_ntlmv2, pass_lm     the config file, hashes made again
  FERRY_PASSWORD in ferry.env       the service's environment file
  password_command                  not written: ferry says what to update

A ferry running with the same config file takes the new password within
seconds, without a restart (a service reading ferry.env needs
'ferry service restart'). A refused password costs one failed logon and
stores nothing.

Exit status: 0 stored; 1 an error (nothing stored unless it says so);
2 a wrong command line; 3 the parent refused the new password (nothing
stored); 4 the password lives where ferry does not write (the message
says what to update).

Flags:
  -c, --config FILE  the config file (default: the per-user ferry.toml)
  --test-url URL     the page the test logon fetches (default http://example.com/)

Examples:
  ferry password
  printf '%s\n' "$NEW" | ferry password --config /etc/ferry/ferry.toml
`

// Exit statuses of ferry password beyond exitOK, exitError and exitUsage.
const (
	exitRefused     = 3 // the parent refused the new password
	exitNotWritable = 4 // password_command or the shell holds it
)

func cmdPassword(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("password")
	var file, testURL string
	for _, n := range []string{"config", "c"} {
		fs.StringVar(&file, n, "", "")
	}
	fs.StringVar(&testURL, "test-url", setup.DefaultTestURL, "")
	if status, done := parseNoArgs(fs, args, passwordUsage, "password", stdout, stderr); done {
		return status
	}
	// Loaded without FERRY_PASSWORD, to see where the file keeps the
	// secret, and without asking any old one.
	noShellPassword := func(k string) string {
		if k == "FERRY_PASSWORD" {
			return ""
		}
		return os.Getenv(k)
	}
	cfg, err := config.Load(file, config.Overrides{Getenv: noShellPassword, NoSecrets: true})
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	p := setup.PasswordChange{Config: cfg, TestURL: testURL, Out: stdout, ShellPassword: os.Getenv("FERRY_PASSWORD") != "",
		LockoutState: lockoutStateFile(os.Getenv)}
	where, err := p.Where()
	if err != nil {
		printError(stderr, err)
		if errors.Is(err, setup.ErrNotWritable) {
			return exitNotWritable
		}
		return exitError
	}
	pw, err := readNewPassword(cfg.Auth.Identity(), stderr)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	stored, err := p.Apply(ctx, pw)
	if err != nil {
		printError(stderr, err)
		if errors.Is(err, setup.ErrRefused) {
			return exitRefused
		}
		return exitError
	}
	fmt.Fprintln(stdout, stored)
	fmt.Fprintln(stdout, p.Reload(where))
	if p.ShellPassword {
		fmt.Fprintln(stderr, "ferry: FERRY_PASSWORD is set in this shell and overrides the stored password for a ferry started from it: update or unset it")
	}
	return exitOK
}

// readNewPassword asks on the terminal without echo, or reads one line
// from standard input when it is not a terminal (a script, a pipe).
func readNewPassword(identity string, prompt io.Writer) (string, error) {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return credentials.ReadPasswordLine(bufio.NewReader(os.Stdin))
	}
	return credentials.ReadPassword(os.Stdin, prompt, "New password for "+identity+": ")
}
