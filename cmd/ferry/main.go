// Command ferry is a local HTTP proxy that forwards requests to a corporate
// parent proxy and answers its authentication challenges (Negotiate, NTLM,
// Digest, Basic), so that applications need no proxy credentials.
//
// This package is the command line: it reads flags, the TOML config file
// and the environment, checks them, and starts the relay. It holds no proxy
// logic of its own.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/internal/suggest"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // configuration or runtime error
	exitUsage = 2 // the command line is wrong
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs ferry with args (without the program name) and returns the exit
// status. SIGINT and SIGTERM stop `ferry run`.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runContext(ctx, args, stdout, stderr)
}

// command is one subcommand.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{name: "run", usage: runUsage, run: cmdRun},
		{name: "version", usage: versionUsage, run: cmdVersion},
		{name: "doctor", usage: doctorUsage, run: cmdDoctor},
		{name: "status", usage: statusUsage, run: cmdStatus},
		{name: "env", usage: envUsage, run: cmdEnv},
		{name: "pac", usage: pacUsage, run: cmdPAC},
		{name: "service", usage: serviceUsage, run: cmdService},
		{name: "help", usage: helpUsage, run: cmdHelp},
		{name: "hash", usage: hashUsage, run: cmdHash},
		{name: "config", usage: configUsage, run: cmdConfig},
		{name: "import", usage: importUsage, run: cmdImport},
		{name: "init", usage: initUsage, run: cmdInit},
	}
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	case "-version", "--version":
		printVersion(stdout)
		return exitOK
	}
	cmd, ok := findCommand(args[0])
	if !ok {
		if strings.HasPrefix(args[0], "-") {
			return usageError(stderr, "", fmt.Sprintf("unknown flag %q", args[0]))
		}
		return usageError(stderr, "", unknownCommand(args[0]))
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

// unknownCommand says so, with the command name most likely meant, as
// config keys get one.
func unknownCommand(name string) string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if m := suggest.Closest(name, names); m != "" {
		return fmt.Sprintf("unknown command %q: did you mean %q?", name, m)
	}
	return fmt.Sprintf("unknown command %q", name)
}

// usageError prints a one-line error and where to find help.
func usageError(stderr io.Writer, cmd, msg string) int {
	if cmd == "" {
		fmt.Fprintf(stderr, "ferry: %s\nrun 'ferry help' for usage\n", msg)
	} else {
		// "service install" is helped by 'ferry help service'.
		topic, _, _ := strings.Cut(cmd, " ")
		fmt.Fprintf(stderr, "ferry %s: %s\nrun 'ferry help %s' for usage\n", cmd, msg, topic)
	}
	return exitUsage
}

// printError prints each of err's problems on a line of its own.
func printError(stderr io.Writer, err error) {
	var list interface{ Unwrap() []error }
	if errors.As(err, &list) {
		for _, e := range list.Unwrap() {
			printError(stderr, e)
		}
		return
	}
	fmt.Fprintf(stderr, "ferry: %v\n", err)
}

// newFlagSet returns a FlagSet that prints nothing itself: errors are
// reported by parse, help by the caller.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args; done is true when the caller must return status.
func parseFlags(fs *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (status int, done bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return exitOK, true
	case err != nil:
		return usageError(stderr, fs.Name(), err.Error()), true
	}
	return exitOK, false
}

// parseNoArgs is parseFlags for a command that takes no arguments; cmd
// names it in the error.
func parseNoArgs(fs *flag.FlagSet, args []string, usage, cmd string, stdout, stderr io.Writer) (status int, done bool) {
	if status, done := parseFlags(fs, args, usage, stdout, stderr); done {
		return status, true
	}
	if fs.NArg() > 0 {
		return usageError(stderr, cmd, fmt.Sprintf("unexpected argument %q", fs.Arg(0))), true
	}
	return exitOK, false
}

// stringList is a flag that can be repeated: --parent a:1 --parent b:2.
// A comma-separated value is split too: --parent a:1,b:2.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run")
	var (
		sf      startFlags
		verbose bool
	)
	sf.register(fs)
	fs.BoolVar(&verbose, "v", false, "")
	fs.BoolVar(&verbose, "verbose", false, "")
	if status, done := parseNoArgs(fs, args, runUsage, "run", stdout, stderr); done {
		return status
	}
	configPath, prompt := sf.configPath, sf.prompt
	over := sf.overrides(stderr)
	cfg, err := config.Load(configPath, over)
	logger := newLogger(stderr, verbose)
	if cfg != nil {
		for _, w := range cfg.Warnings {
			logger.Warn(w)
		}
		for _, n := range cfg.Notes {
			logger.Info(n)
		}
	}
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	if prompt {
		// A reload must not ask again: it keeps the password typed at start.
		over.Prompt = config.KeepPassword(cfg)
	}
	reload := func() (*config.Config, error) { return config.Load(configPath, over) }
	if err := serve(ctx, cfg, logger, reload); err != nil {
		printError(stderr, err)
		return exitError
	}
	return exitOK
}

func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version")
	if status, done := parseNoArgs(fs, args, versionUsage, "version", stdout, stderr); done {
		return status
	}
	printVersion(stdout)
	return exitOK
}

func cmdHelp(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("help")
	if status, done := parseFlags(fs, args, helpUsage, stdout, stderr); done {
		return status
	}
	switch fs.NArg() {
	case 0:
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	case 1:
		cmd, ok := findCommand(fs.Arg(0))
		if !ok {
			return usageError(stderr, "", unknownCommand(fs.Arg(0)))
		}
		fmt.Fprint(stdout, cmd.usage)
		return exitOK
	}
	return usageError(stderr, "help", "name one command")
}

const mainUsage = `ferry: a local proxy that logs in to your corporate proxy for your apps

Usage:
  ferry <command> [flags]

Commands:
  run       run the proxy in the foreground
  init      set up ferry in one command: find the parent, test the credentials, write the config
  doctor    find out why requests fail, and how to fix it
  status    show the running relay's state
  env       print the settings that point tools at ferry
  service   install ferry as a service that starts at login or boot
  hash      print cntlm-compatible password hashes
  config    show or check the effective configuration
  import    convert a cntlm configuration
  pac       evaluate or check a PAC file
  version   print the version
  help      show help for a command

Run 'ferry help <command>' or 'ferry <command> -h' for a command's flags.

Example:
  ferry init                 # or, without a config file:
  FERRY_PASSWORD=... ferry run --parent proxy.corp.example:8080 --user 'CORP\alice'
  export http_proxy=http://127.0.0.1:3128 https_proxy=http://127.0.0.1:3128
`

const runUsage = `Usage: ferry run [--config FILE] [--listen ADDR]... [--parent HOST:PORT]... [--user USER] [--prompt] [-v]

Run the proxy in the foreground until interrupted (Ctrl-C or SIGTERM); it
then finishes the requests in flight and exits.

Flags:
  -c, --config FILE         the TOML config file (default: ferry/ferry.toml in
                            the user config directory, if it exists:
                            $XDG_CONFIG_HOME or ~/.config on Linux,
                            ~/Library/Application Support on macOS,
                            %APPDATA% on Windows)
  -l, --listen ADDR         an address to listen on, host:port
                            (default 127.0.0.1:3128); repeat for several.
                            Replaces the file's listen list.
  -p, --parent HOST:PORT    a parent proxy; repeat for several, tried in
                            order. Replaces the file's parents list.
      --user USER           the account: alice, DOMAIN\user or user@REALM;
                            replaces auth.user. The password comes from
                            FERRY_PASSWORD, --prompt, or else the OS
                            keyring ('ferry init --store keyring' put it
                            there). Without a password only a Kerberos
                            ticket (kinit) can log on.
      --prompt              ask for the password at start (no echo)
  -v, --verbose             log debug messages
  -h, --help                show this help

Environment:
  FERRY_PASSWORD   the password; wins over auth.password in the file
  KRB5_CONFIG      the krb5.conf file for Kerberos

Examples:
  FERRY_PASSWORD=... ferry run --parent proxy.corp.example:8080 --user 'CORP\alice'
  ferry run --parent proxy.corp.example:8080 --user 'CORP\alice' --prompt
  ferry run --parent proxy.corp.example:8080     # Kerberos ticket from kinit
  FERRY_PASSWORD=... ferry run --config ~/ferry.toml --listen 127.0.0.1:8888 -v

A config file, ferry.toml:
  listen   = ["127.0.0.1:3128"]
  parents  = ["proxy.corp.example:8080"]
  no_proxy = ["localhost", "127.0.0.0/8", "*.corp.example"]
  [auth]
  scheme = "auto"    # auto, negotiate, ntlm, digest, basic or none
  user   = "alice"
  domain = "CORP"
`

const versionUsage = `Usage: ferry version

Print ferry's version, commit and build date, the Go version and the
operating system and architecture.

Example:
  ferry version
`

const helpUsage = `Usage: ferry help [command]

Show the commands, or the flags of one command.

Example:
  ferry help run
`
