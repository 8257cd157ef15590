package credentials

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// Prompt asks for the password on the terminal without echo.
type Prompt struct {
	In     *os.File // usually os.Stdin
	Out    io.Writer
	Prompt string // "Password for CORP\alice: "
}

// String names the source for messages.
func (p Prompt) String() string { return "the prompt" }

// Password prompts on p.In, which must be a terminal.
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
