package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/relay"
)

const configUsage = `Usage: ferry config show  [--config FILE] [--listen ADDR]... [--parent HOST:PORT]... [--user USER]
       ferry config check [--config FILE] [--listen ADDR]... [--parent HOST:PORT]... [--user USER] [--prompt]

show prints the configuration ferry would run with (the file, then the
environment, then the flags, with defaults filled in) as TOML, every secret
replaced by [redacted]. It does not run password_command nor open the
keyring.

check loads the configuration the way 'ferry run' does, including asking
password_command or the keyring for the password, and builds the relay
without listening or contacting a parent. It prints the warnings and
problems, and exits 0 when ferry would start, 1 when it would not.

Flags (as for 'ferry run'):
  -c, --config FILE         the TOML config file (default: the per-user one)
  -l, --listen ADDR         a listen address; repeat for several
  -p, --parent HOST:PORT    a parent proxy; repeat for several
      --user USER           the account (DOMAIN\user); its password from
                            FERRY_PASSWORD, --prompt or the OS keyring
      --prompt              ask for the password (check only)
  -h, --help                show this help

Examples:
  ferry config show
  ferry config check --config /etc/ferry/ferry.toml && systemctl restart ferry
`

func cmdConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return usageError(stderr, "config", "name a subcommand: show or check")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, configUsage)
		return exitOK
	case "show", "check":
	default:
		return usageError(stderr, "config", fmt.Sprintf("unknown subcommand %q: use show or check", sub))
	}
	fs := newFlagSet("config")
	var sf startFlags
	sf.register(fs)
	if status, done := parseNoArgs(fs, rest, configUsage, "config", stdout, stderr); done {
		return status
	}
	o := sf.overrides(stderr)
	o.Discover, o.NoSecrets = nil, sub == "show"
	cfg, err := config.Load(sf.configPath, o)
	if cfg != nil {
		for _, w := range cfg.Warnings {
			fmt.Fprintf(stderr, "ferry: warning: %s\n", w)
		}
	}
	if err == nil && sub == "check" {
		err = buildOnly(cfg)
	}
	if err != nil {
		printError(stderr, err)
		if sub == "check" {
			fmt.Fprintln(stderr, "ferry: config check: ferry would not start")
		}
		return exitError
	}
	if sub == "show" {
		cfg.WriteEffective(stdout)
		return exitOK
	}
	where := cfg.File
	if where == "" {
		where = "flags and environment only, no config file"
	}
	fmt.Fprintf(stdout, "ferry: config check: OK (%s)\n", where)
	return exitOK
}

// buildOnly builds what `ferry run` builds, without opening anything.
func buildOnly(cfg *config.Config) error {
	authn, err := auth.New(cfg.Auth)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	rc := relayConfig(cfg, authn, newLogger(io.Discard, false))
	// The lockout state file is ferry run's: opening it would create its
	// directory and lock file.
	rc.LockoutState = ""
	if _, err := relay.New(rc); err != nil {
		return err
	}
	return nil
}
