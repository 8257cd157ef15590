package auth

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
	"golang.org/x/term"
)

// Where a password comes from when it is not in the config file. Each
// source is asked once, at start; ferry then keeps only the NT hash (see
// NewNTLM). None of them logs or returns the password in an error.

// PasswordSource yields the password.
type PasswordSource interface {
	Password(ctx context.Context) (string, error)
	// String names the source for messages, never the secret.
	String() string
}

// ErrKeyringUnavailable means the machine has no usable OS keyring: a
// headless Linux without a D-Bus session or without a Secret Service.
var ErrKeyringUnavailable = errors.New("no OS keyring available")

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

func (c PasswordCommand) String() string { return fmt.Sprintf("password_command %q", c.Command) }

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

// Keyring reads the password from the OS keyring: Windows Credential
// Manager, the macOS Keychain or a Secret Service (GNOME Keyring, KWallet)
// on Linux. ferry stores it under service "ferry" and the user's identity.
type Keyring struct {
	Service, Account string
	// Store is the keyring; nil means the OS keyring.
	Store KeyringStore
}

// KeyringService is the service name ferry uses in the OS keyring.
const KeyringService = "ferry"

// KeyringStore is the part of an OS keyring ferry uses.
type KeyringStore interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
}

// OSKeyring is the OS keyring through github.com/zalando/go-keyring.
type OSKeyring struct{}

func (OSKeyring) Get(service, account string) (string, error) { return keyring.Get(service, account) }
func (OSKeyring) Set(service, account, secret string) error {
	return keyring.Set(service, account, secret)
}

// NewKeyring returns the keyring source for the identity (DOMAIN\user).
func NewKeyring(identity string) Keyring {
	return Keyring{Service: KeyringService, Account: identity}
}

func (k Keyring) String() string {
	return fmt.Sprintf("the OS keyring (service %q, account %q)", k.Service, k.Account)
}

func (k Keyring) store() KeyringStore {
	if k.Store == nil {
		return OSKeyring{}
	}
	return k.Store
}

func (k Keyring) Password(context.Context) (string, error) {
	pw, err := k.store().Get(k.Service, k.Account)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "", fmt.Errorf("%s holds no password: store it with `ferry init --store keyring`, or use FERRY_PASSWORD or password_command", k)
	case err != nil:
		return "", k.wrap(err)
	case pw == "":
		return "", fmt.Errorf("%s holds an empty password: store it again with `ferry init --store keyring`", k)
	}
	return pw, nil
}

// Set stores password in the keyring.
func (k Keyring) Set(password string) error {
	if err := k.store().Set(k.Service, k.Account, password); err != nil {
		return k.wrap(err)
	}
	return nil
}

// wrap names the fallbacks when the keyring itself is missing; go-keyring
// has no error value for that, only D-Bus's messages (see NOTES.md).
func (k Keyring) wrap(err error) error {
	s := err.Error()
	if strings.Contains(s, "dbus") || strings.Contains(s, "org.freedesktop.secrets") ||
		strings.Contains(s, "DBUS_SESSION_BUS_ADDRESS") {
		return fmt.Errorf("%s: %w (%v): on a machine without a desktop session use password_command, FERRY_PASSWORD, or the hashes from `ferry hash` (pass_ntlmv2) instead",
			k, ErrKeyringUnavailable, err)
	}
	return fmt.Errorf("%s: %w", k, err)
}

// Prompt asks for the password on the terminal without echo.
type Prompt struct {
	In     *os.File // usually os.Stdin
	Out    io.Writer
	Prompt string // "Password for CORP\alice: "
}

func (p Prompt) String() string { return "the prompt" }

func (p Prompt) Password(context.Context) (string, error) {
	if !term.IsTerminal(int(p.In.Fd())) {
		return "", errors.New("--prompt needs a terminal: pipe the password with FERRY_PASSWORD or password_command instead")
	}
	return ReadPassword(p.In, p.Out, p.Prompt)
}

// ReadPassword reads a password: from the terminal without echo when in
// is one (prompt goes to out), else the first line of in, so that scripts
// can pipe it.
func ReadPassword(in *os.File, out io.Writer, prompt string) (string, error) {
	if term.IsTerminal(int(in.Fd())) {
		fmt.Fprint(out, prompt)
		b, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		pw := string(b)
		clear(b)
		if pw == "" {
			return "", errors.New("empty password")
		}
		return pw, nil
	}
	return ReadPasswordLine(in)
}

// ReadPasswordLine reads the first line of r, without its line end.
func ReadPasswordLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("read password: no password on standard input")
	}
	return line, nil
}
