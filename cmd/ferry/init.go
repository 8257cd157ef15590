package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/ferryproxy/ferry/credentials"
	"github.com/ferryproxy/ferry/setup"
)

const initUsage = `Usage: ferry init [--parent HOST:PORT] [--user USER] [--domain DOMAIN]
                  [--store keyring|config|none] [--config FILE | --system]
                  [--password-stdin] [--yes] [--test-url URL]

Set ferry up in one go: find the parent proxy, ask for the user and the
password, check them with one logon at the parent, keep the secret, and
write the config file.

The parent comes from --parent, else HTTPS_PROXY/HTTP_PROXY, else the OS
proxy settings (Windows Internet Settings, macOS network settings, GNOME).
ferry init asks the parent once without credentials to learn what it
offers, then makes exactly one logon with them. When the parent refuses the
password, ferry init says so and asks again; it never retries on its own:
every failed logon counts towards the account's lockout.

Where the secret goes (--store):
  keyring  the OS keyring (Windows Credential Manager, macOS Keychain,
           Secret Service); the default where one is available
  config   pass_ntlmv2, an NTLMv2 hash only good for this user, domain
           and NTLM, in the config file (mode 0600); the default otherwise
  none     nothing: Kerberos from the ticket cache (kinit), or FERRY_PASSWORD
           or password_command added later

Flags:
  -p, --parent HOST:PORT   the parent proxy
  -u, --user USER          the user; DOMAIN\USER and USER@DOMAIN are split
  -d, --domain DOMAIN      the NTLM domain
      --store WHERE        keyring, config or none (see above)
      --password-stdin     read the password from the first line of stdin
  -y, --yes                ask nothing: take the flags and defaults (needs
                           --parent or a proxy setting to find)
  -c, --config FILE        write FILE instead of the per-user config file
      --system             write the system-wide file (/etc/ferry/ferry.toml,
                           %ProgramData%\ferry\ferry.toml) for a service
      --force              replace an existing config file
      --test-url URL       the page the test request fetches
                           (default http://example.com/)
  -h, --help               show this help

Examples:
  ferry init
  printf '%s\n' "$PW" | ferry init --parent proxy.corp.example:8080 \
      --user alice --domain CORP --password-stdin --store keyring --yes
`

func cmdInit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("init")
	var o setup.Options
	for _, n := range []string{"parent", "p"} {
		fs.StringVar(&o.Parent, n, "", "")
	}
	for _, n := range []string{"user", "u"} {
		fs.StringVar(&o.User, n, "", "")
	}
	for _, n := range []string{"domain", "d"} {
		fs.StringVar(&o.Domain, n, "", "")
	}
	for _, n := range []string{"config", "c"} {
		fs.StringVar(&o.File, n, "", "")
	}
	for _, n := range []string{"yes", "y"} {
		fs.BoolVar(&o.Yes, n, false, "")
	}
	fs.StringVar(&o.Store, "store", "", "")
	fs.StringVar(&o.TestURL, "test-url", setup.DefaultTestURL, "")
	fs.BoolVar(&o.PasswordStdin, "password-stdin", false, "")
	fs.BoolVar(&o.System, "system", false, "")
	fs.BoolVar(&o.Force, "force", false, "")
	if status, done := parseNoArgs(fs, args, initUsage, "init", stdout, stderr); done {
		return status
	}
	switch o.Store {
	case "", "keyring", "config", "none":
	default:
		return usageError(stderr, "init", fmt.Sprintf("--store %q: use keyring, config or none", o.Store))
	}
	if o.System && o.File != "" {
		return usageError(stderr, "init", "--system and --config both name the file: use one")
	}
	tty := term.IsTerminal(int(os.Stdin.Fd()))
	if !o.Yes && !tty {
		return usageError(stderr, "init", "standard input is not a terminal: answer with flags and --yes (see ferry help init)")
	}
	stdin := bufio.NewReader(os.Stdin)
	conv := setup.Conversation{
		In: stdin, Out: stdout, Interactive: !o.Yes, Getenv: os.Getenv, LockoutState: lockoutStateFile(os.Getenv),
		Password: func(prompt string) (string, error) {
			if o.PasswordStdin || !tty {
				return credentials.ReadPasswordLine(stdin)
			}
			return credentials.ReadPassword(os.Stdin, stdout, prompt)
		},
	}
	if err := setup.Run(ctx, o, conv); err != nil {
		printError(stderr, err)
		return exitError
	}
	return exitOK
}
