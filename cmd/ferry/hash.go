package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/credentials"
)

const hashUsage = `Usage: ferry hash [--user USER] [--domain DOMAIN] [--password-stdin]

Read a password and print the hashes that can stand in for it under [auth]
in ferry.toml: the same values, in the same form, as 'cntlm -H' prints, so
hashes from a cntlm.conf work unchanged. The password is read from the
terminal without echo, or from the first line of standard input when that is
not a terminal.

pass_ntlmv2 is the safest: it works only for this user and domain and
cannot be used for anything but NTLMv2. pass_nt works for any domain, and
pass_lm is printed for cntlm users only (ferry never sends LM).

Flags:
  -u, --user USER        the user (needed for pass_ntlmv2); DOMAIN\USER
                         and USER@DOMAIN are split
  -d, --domain DOMAIN    the NTLM domain
      --password-stdin   read the password from standard input even when
                         it is a terminal
  -h, --help             show this help

Paste the lines under the [auth] line of ferry.toml, not at the end of the
file: in TOML a key belongs to the last [table] above it, so appended lines
land in whatever table comes last (often [timeouts]).

Examples:
  ferry hash --user alice --domain CORP
  printf '%s\n' "$PW" | ferry hash -u alice -d CORP
`

func cmdHash(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runHash(args, os.Stdin, stdout, stderr)
}

func runHash(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	fs := newFlagSet("hash")
	var user, domain string
	var fromStdin bool
	fs.StringVar(&user, "user", "", "")
	fs.StringVar(&user, "u", "", "")
	fs.StringVar(&domain, "domain", "", "")
	fs.StringVar(&domain, "d", "", "")
	fs.BoolVar(&fromStdin, "password-stdin", false, "")
	if status, done := parseFlags(fs, args, hashUsage, stdout, stderr); done {
		return status
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "hash", fmt.Sprintf("unexpected argument %q: the password is read from the terminal or standard input, never from the command line", fs.Arg(0)))
	}
	name, dom := auth.SplitUser(user, domain)
	var pw string
	var err error
	if fromStdin {
		pw, err = credentials.ReadPasswordLine(stdin)
	} else {
		id := auth.Config{User: name, Domain: dom}.Identity()
		prompt := "Password: "
		if id != "" {
			prompt = "Password for " + id + ": "
		}
		pw, err = credentials.ReadPassword(stdin, stderr, prompt)
	}
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	h := credentials.HashPassword(name, dom, pw)
	fmt.Fprintln(stdout, "# ferry hash: paste under the [auth] line of ferry.toml (not at its end), in place of password (see docs/credentials.md)")
	fmt.Fprintf(stdout, "pass_lm = %q\n", h.LM)
	fmt.Fprintf(stdout, "pass_nt = %q\n", h.NT)
	if h.NTLMv2 == "" {
		fmt.Fprintln(stdout, "# no pass_ntlmv2: it needs --user (and --domain)")
		return exitOK
	}
	fmt.Fprintf(stdout, "pass_ntlmv2 = %q  # only for user %q, domain %q\n", h.NTLMv2, name, dom)
	return exitOK
}
