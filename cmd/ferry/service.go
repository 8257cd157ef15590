package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/relay"
	"github.com/ferryproxy/ferry/service"
	"github.com/ferryproxy/ferry/setup"
)

// cmdService is `ferry service ...`: install ferry as a service of the OS's
// service manager and control it (package service does the work).
func cmdService(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return usageError(stderr, "service", "name a subcommand: install, uninstall, start, stop, restart, status or run")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, serviceUsage)
		return exitOK
	case "install":
		return serviceInstall(ctx, args[1:], stdout, stderr)
	case "uninstall", "start", "stop", "restart":
		return serviceControl(ctx, args[0], args[1:], stdout, stderr)
	case "status":
		return serviceStatus(ctx, args[1:], stdout, stderr)
	case "run":
		return serviceRun(ctx, args[1:], stdout, stderr)
	}
	return usageError(stderr, "service", fmt.Sprintf("unknown subcommand %q: use install, uninstall, start, stop, restart, status or run", args[0]))
}

// serviceConfig builds service.Config for this machine, with the config
// file given by --config or the default for the mode.
func serviceConfig(system bool, configPath, executable string) (service.Config, error) {
	return service.ConfigFor(system, configPath, executable, config.DefaultPath)
}

func serviceInstall(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("service install")
	var (
		system, dryRun, noStart bool
		configPath, executable  string
	)
	fs.BoolVar(&system, "system", false, "")
	fs.BoolVar(&dryRun, "dry-run", false, "")
	fs.BoolVar(&noStart, "no-start", false, "")
	fs.StringVar(&configPath, "config", "", "")
	fs.StringVar(&configPath, "c", "", "")
	fs.StringVar(&executable, "executable", "", "")
	if status, done := parseNoArgs(fs, args, serviceUsage, "service", stdout, stderr); done {
		return status
	}
	sc, err := serviceConfig(system, configPath, executable)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	cfg, err := checkServiceConfig(sc, stderr)
	if err != nil {
		return exitError
	}
	sc.ExplicitCredentials = cfg.PasswordInFile() || cfg.Auth.Keytab != "" || cfg.Auth.Scheme == "none"
	if dryRun {
		p, err := service.PlanFor(runtime.GOOS, sc)
		if err != nil {
			printError(stderr, err)
			return exitError
		}
		fmt.Fprintln(stdout, "dry run: nothing is written or run.")
		p.Describe(stdout)
		return exitOK
	}
	m, err := service.New(sc, stdout)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	if err := m.Install(ctx, noStart); err != nil {
		printError(stderr, err)
		return exitError
	}
	for _, n := range m.Plan().Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	fmt.Fprintf(stdout, "installed ferry as a %s reading %s\n", m.Plan().Kind, sc.ConfigFile)
	return exitOK
}

// checkServiceConfig loads the config the way the service will: with the
// environment the service gets (none from this shell; on Linux the unit's
// environment file), and refuses one that would not start.
func checkServiceConfig(sc service.Config, stderr io.Writer) (*config.Config, error) {
	if _, err := os.Stat(sc.ConfigFile); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "ferry service install: no config file at %s: write one first with 'ferry init' (ferry help run shows an example; packaging/ferry.toml is a commented one), or pass --config FILE\n", sc.ConfigFile)
		return nil, err
	}
	env := map[string]string{}
	envFile := ""
	if runtime.GOOS == "linux" {
		envFile = service.EnvFile(sc)
		env = service.ReadEnvFile(envFile)
	}
	cfg, err := config.Load(sc.ConfigFile, config.Overrides{
		Getenv:    func(k string) string { return env[k] },
		NoSecrets: true, // a password command or keyring is asked when the service starts
	})
	if err != nil {
		fmt.Fprintf(stderr, "ferry service install: %s would not start ferry:\n", sc.ConfigFile)
		printError(stderr, err)
		if os.Getenv("FERRY_PASSWORD") != "" && env["FERRY_PASSWORD"] == "" {
			if envFile != "" {
				fmt.Fprintf(stderr, "FERRY_PASSWORD in this shell does not reach the service: put FERRY_PASSWORD=... in %s (chmod 600)\n", envFile)
			} else {
				fmt.Fprintln(stderr, "FERRY_PASSWORD in this shell does not reach the service: put the password in the config file (readable only by you)")
			}
		}
		fmt.Fprintln(stderr, "fix it, then run ferry service install again")
		return nil, err
	}
	if err := setup.ShellOnlyPassword(cfg, env, envFile, os.Getenv); err != nil {
		fmt.Fprintf(stderr, "ferry service install: %v\nfix it, then run ferry service install again\n", err)
		return nil, err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "ferry: warning: %s\n", w)
	}
	return cfg, nil
}

// parseWhereFlags parses the flags that say which service is meant
// (--system, --config), all that uninstall, start, stop, restart and
// status take.
func parseWhereFlags(name string, args []string, stdout, stderr io.Writer) (system bool, configPath string, status int, done bool) {
	fs := newFlagSet(name)
	fs.BoolVar(&system, "system", false, "")
	fs.StringVar(&configPath, "config", "", "")
	fs.StringVar(&configPath, "c", "", "")
	status, done = parseNoArgs(fs, args, serviceUsage, "service", stdout, stderr)
	return system, configPath, status, done
}

func serviceControl(ctx context.Context, action string, args []string, stdout, stderr io.Writer) int {
	system, configPath, status, done := parseWhereFlags("service "+action, args, stdout, stderr)
	if done {
		return status
	}
	m, sc, err := serviceManager(system, configPath, stdout)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	switch action {
	case "uninstall":
		err = m.Uninstall(ctx)
	case "start":
		err = m.Start(ctx)
	case "stop":
		err = m.Stop(ctx)
	case "restart":
		err = m.Restart(ctx)
	}
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	past := map[string]string{"uninstall": "uninstalled", "start": "started", "stop": "stopped", "restart": "restarted"}[action]
	if action == "start" || action == "restart" {
		// The service manager's yes means it launched ferry, not that ferry
		// serves: a bad config or a taken port ends it a moment later.
		listen := serviceListen(sc.ConfigFile)
		if err := service.WaitRelay(ctx, listen, service.RelayStartWait); err != nil {
			fmt.Fprintf(stderr, "ferry: the service manager %s ferry, but the relay at %s does not answer after %s (%v): see 'ferry service status' and the service's log\n",
				past, listen, service.RelayStartWait, err)
			return exitError
		}
		fmt.Fprintf(stdout, "ferry service %s; the relay at %s answers\n", past, listen)
		return exitOK
	}
	fmt.Fprintf(stdout, "ferry service %s\n", past)
	return exitOK
}

// serviceListen is the first listen address of the service's config, where
// its relay answers.
func serviceListen(configFile string) string {
	if cfg, err := config.LoadFile(configFile); err == nil && len(cfg.Listen) > 0 {
		return cfg.Listen[0]
	}
	return relay.DefaultListen
}

// serviceManager is a Manager for uninstall, control and status, which do
// not need a valid config, only where things are.
func serviceManager(system bool, configPath string, out io.Writer) (*service.Manager, service.Config, error) {
	sc, err := serviceConfig(system, configPath, "")
	if err != nil {
		return nil, sc, err
	}
	// A Windows system service is only ever installed with explicit
	// credentials; uninstall and status need not check that again.
	sc.ExplicitCredentials = true
	m, err := service.New(sc, out)
	return m, sc, err
}

// exitNotRunning is status's answer when ferry is not running, as for
// systemctl status and LSB init scripts.
const exitNotRunning = 3

func serviceStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	system, configPath, status, done := parseWhereFlags("service status", args, stdout, stderr)
	if done {
		return status
	}
	m, sc, err := serviceManager(system, configPath, io.Discard)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	st, err := m.Status(ctx)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	kind := m.Plan().Kind
	if st.Installed {
		fmt.Fprintf(stdout, "installed: yes, %s (%s)\n", kind, st.Where)
	} else {
		fmt.Fprintf(stdout, "installed: no (no %s at %s): ferry service install installs it\n", kind, st.Where)
	}
	running := false
	switch {
	case st.RunningKnown:
		running = st.Running
		fmt.Fprintf(stdout, "service manager: %s\n", st.Detail)
	case st.Detail != "":
		fmt.Fprintf(stdout, "service manager: unknown (%s)\n", st.Detail)
	}

	// The relay itself is the last word on whether ferry runs: it answers
	// on its listen address whoever started it.
	listen := serviceListen(sc.ConfigFile)
	summary, err := service.RelaySummary(ctx, listen)
	if err != nil {
		fmt.Fprintf(stdout, "relay at %s: not answering (%v)\n", listen, err)
	} else {
		running = true
		fmt.Fprintf(stdout, "relay at %s: running\n", listen)
		for _, line := range strings.Split(strings.TrimRight(summary, "\n"), "\n") {
			fmt.Fprintf(stdout, "  %s\n", line)
		}
	}
	if !running {
		return exitNotRunning
	}
	return exitOK
}

// serviceRun is what the Windows service and the Windows logon task run:
// the same code as `ferry run`, under the SCM with service stop as the
// context's cancel and the event log as the log, or in the user's session
// with a log file.
func serviceRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("service run")
	var (
		configPath, logFile string
		verbose             bool
	)
	fs.StringVar(&configPath, "config", "", "")
	fs.StringVar(&configPath, "c", "", "")
	fs.StringVar(&logFile, "log-file", "", "")
	fs.BoolVar(&verbose, "v", false, "")
	if status, done := parseNoArgs(fs, args, serviceUsage, "service", stdout, stderr); done {
		return status
	}
	runArgs := []string{}
	if configPath != "" {
		runArgs = append(runArgs, "--config", configPath)
	}
	if verbose {
		runArgs = append(runArgs, "-v")
	}
	if service.UnderServiceManager() {
		sc := service.Config{ConfigFile: configPath}
		if exe, err := os.Executable(); err == nil {
			sc.Executable = exe
		}
		err := service.RunService(sc, func(ctx context.Context, log io.Writer) error {
			if cmdRun(ctx, runArgs, io.Discard, log) != exitOK {
				return errors.New("ferry run failed: see the messages before this one")
			}
			return nil
		})
		if err != nil {
			printError(stderr, err)
			return exitError
		}
		return exitOK
	}
	logw := stderr
	if logFile != "" {
		if err := os.MkdirAll(filepath.Dir(logFile), 0o755); err != nil {
			printError(stderr, err)
			return exitError
		}
		f, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			printError(stderr, fmt.Errorf("open the log file: %w", err))
			return exitError
		}
		defer f.Close()
		logw = f
		// Started by Task Scheduler, ferry would keep a console window open
		// that stops it when closed; everything goes to the file now.
		service.DetachConsole()
	}
	// Without a console no Ctrl-C arrives: `ferry service stop` asks for
	// the drain through a named event instead.
	ctx, release, err := service.ListenStop(ctx, configPath)
	if err != nil {
		printError(stderr, fmt.Errorf("listen for stop requests: %w", err))
		return exitError
	}
	defer release()
	return cmdRun(ctx, runArgs, stdout, logw)
}

const serviceUsage = `Usage: ferry service <command> [flags]

Install ferry as a service that starts at login (or at boot with --system),
restarts when it fails and logs where the OS keeps logs, and control it.

Commands:
  install     validate the config, write the service definition, enable and
              start it
  uninstall   stop the service and remove its definition
  start, stop, restart
  status      installed or not, running or not, and the relay's own status
              (exit status 0 when running, 3 when not)
  run         what the Windows service and logon task run (ferry run under
              the Windows service manager); not for use by hand

Flags:
  --system            a boot-time service under a system account instead of
                      the per-user default: a hardened systemd system unit
                      running as user ferry (Linux), a LaunchDaemon (macOS), a
                      Windows service with restart on failure (Windows; it
                      needs credentials in the config, single sign-on does not
                      work outside your logon session). Needs root or admin.
  -c, --config FILE   the config the service reads (install, start, stop,
                      restart, status); default:
                      the per-user default of ferry run, or with --system
                      /etc/ferry/ferry.toml, /Library/Application
                      Support/ferry/ferry.toml, %ProgramData%\ferry\ferry.toml
  --dry-run           install: print what would be written and run, and where
  --no-start          install: register the service but do not start it now
  --executable PATH   install: the ferry binary the service runs (default:
                      this one)

Per-user is the default because your Kerberos tickets, keyring and Windows
single sign-on live in your session:
  Linux    ~/.config/systemd/user/ferry.service (systemctl --user; logs:
           journalctl --user -u ferry)
  macOS    ~/Library/LaunchAgents/io.github.ferryproxy.ferry.plist (logs:
           ~/Library/Logs/ferry/ferry.log)
  Windows  Task Scheduler task \ferry at logon (logs:
           %LOCALAPPDATA%\ferry\ferry.log)

Examples:
  ferry service install --dry-run
  ferry service install --config ~/ferry.toml
  ferry service status
  sudo ferry service install --system --config /etc/ferry/ferry.toml
`
