package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/doctor"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/report"
)

const doctorUsage = `Usage: ferry doctor [--config FILE] [--parent HOST:PORT]... [--user USER] [--prompt] [--url URL]... [--json] [--report FILE]

Check, step by step, that ferry can reach the web through its parent proxy,
and stop at the first problem with a verdict: its cause in one sentence,
the evidence (what the parent answered) and the steps that fix it.

The checks: the config is valid; the parent's name resolves; a TCP
connection opens; the parent speaks HTTP proxy; the logon schemes it offers;
ferry has credentials for one; one logon; a CONNECT to the https URL; a GET
of the http URL. With a PAC and no parents, the PAC is fetched and evaluated
for the URLs first, then each proxy it names is checked in its order (and
DIRECT by reaching the sites directly). Then advice about the local side:
the *_proxy variables, ferry's port, the service.

Safe for your account: doctor makes at most one logon attempt per parent,
and none while the running ferry rests the credentials after a rejection.

Flags:
  -c, --config FILE   the TOML config file (default: as for 'ferry run')
  -l, --listen ADDR   where the running ferry listens, as for 'ferry run'
  -p, --parent HOST:PORT
                      a parent proxy, as for 'ferry run'; repeat for several
      --user USER     the account, as for 'ferry run' (DOMAIN\user or
                      user@REALM); the password from FERRY_PASSWORD, the
                      OS keyring or --prompt
      --prompt        ask for the password (no echo)
  -u, --url URL       a URL to fetch through the parent: one http:// and one
                      https:// (default http://example.com/ and
                      https://example.com/); repeat for both
      --json          print the result as JSON: {"verdict": "...", "checks": [...]}
      --report FILE   also write a support bundle for your helpdesk (no secrets)
  -h, --help          show this help

Exit status: 0 when the verdict is ok, 1 otherwise, 2 for a wrong command line.
Output follows LC_ALL, LC_MESSAGES or LANG (ja_JP.UTF-8 gives Japanese); the
verdict codes stay English.

Examples:
  ferry doctor
  ferry doctor --config ~/ferry.toml --url http://intranet.corp.example/ --url https://github.com/
  FERRY_PASSWORD=... ferry doctor --parent proxy.corp.example:8080 --user 'CORP\alice'
  ferry doctor --json | jq -r .verdict
  ferry doctor --report ferry-report.txt
`

func cmdDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("doctor")
	var (
		sf     startFlags
		report string
		urls   stringList
		asJSON bool
	)
	sf.register(fs)
	fs.Var(&urls, "url", "")
	fs.Var(&urls, "u", "")
	fs.BoolVar(&asJSON, "json", false, "")
	fs.StringVar(&report, "report", "", "")
	if status, done := parseNoArgs(fs, args, doctorUsage, "doctor", stdout, stderr); done {
		return status
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return usageError(stderr, "doctor", fmt.Sprintf("--url %q: want an http:// or https:// URL", u))
		}
	}
	dc, cfg := doctorConfig(sf.configPath, urls, sf.overrides(stderr))
	out := newMarks(stdout)
	var progress func(doctor.Check)
	if !asJSON {
		progress = func(c doctor.Check) { out.check(c) }
	}
	res := doctor.Run(ctx, dc, progress)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(res)
	} else {
		out.result(res, dc.Lang)
	}
	if report != "" {
		if err := writeReport(report, cfg, dc, res); err != nil {
			printError(stderr, err)
			return exitError
		}
		if !asJSON {
			fmt.Fprintln(stdout, msg.T(dc.Lang, "doctor.report", "file", report))
		}
	}
	if res.Verdict != msg.OK {
		return exitError
	}
	return exitOK
}

// doctorConfig loads the configuration as 'ferry run' would; a problem is
// doctor's first verdict rather than an exit.
func doctorConfig(path string, urls []string, over config.Overrides) (doctor.Config, *config.Config) {
	dc := doctor.Config{URLs: urls, Lang: msg.FromEnv(os.Getenv), Getenv: os.Getenv, Service: serviceState(path)}
	cfg, err := config.Load(path, over)
	if cfg != nil {
		dc.ConfigFile = cfg.File
	}
	if err != nil {
		dc.ConfigError = err
		// A file that does not parse gives no Config: --listen still says
		// where ferry listens, for the advice on that port.
		dc.Relay.Listen = over.Listen
		if cfg != nil {
			dc.Relay.Listen = cfg.Listen
		}
		return dc, cfg
	}
	authn, err := auth.New(cfg.Auth)
	if err != nil {
		dc.ConfigError = fmt.Errorf("credentials: %w", err)
		return dc, cfg
	}
	dc.Relay = relayConfig(cfg, authn, slog.New(slog.DiscardHandler))
	if len(cfg.Listen) > 0 {
		listen := cfg.Listen[0]
		dc.Running = func(ctx context.Context) (*report.Status, error) { return fetchStatus(ctx, listen) }
	}
	return dc, cfg
}

// serviceState says whether ferry is installed as a user service (see
// 'ferry service status') and whether its service manager runs it.
func serviceState(configPath string) func() (string, error) {
	return func() (string, error) {
		m, _, err := serviceManager(false, configPath, io.Discard)
		if err != nil {
			return "", err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		st, err := m.Status(ctx)
		if err != nil {
			return "", err
		}
		if !st.Installed {
			return fmt.Sprintf("not installed (%s); 'ferry service install' starts ferry at logon", st.Where), nil
		}
		state := "installed at " + st.Where
		switch {
		case st.RunningKnown && st.Running:
			state += ", running"
		case st.RunningKnown:
			state += ", not running (" + st.Detail + ")"
		case st.Detail != "":
			state += " (" + st.Detail + ")"
		}
		return state, nil
	}
}

// marks prints checks with colours and marks on a terminal, plain words
// when piped.
type marks struct {
	w     io.Writer
	color bool
}

func newMarks(w io.Writer) *marks {
	m := &marks{w: w}
	if f, ok := w.(*os.File); ok && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			m.color = true
		}
	}
	return m
}

func (m *marks) paint(code, s string) string {
	if !m.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (m *marks) check(c doctor.Check) {
	mark := "[ok]  "
	if !c.OK {
		mark = "[FAIL]"
	}
	if m.color {
		mark = m.paint("32", "✔")
		if !c.OK {
			mark = m.paint("31", "✘")
		}
	}
	where := ""
	if c.Parent != "" {
		where = " (" + c.Parent + ")"
	}
	fmt.Fprintf(m.w, "%s %s%s: %s %s\n", mark, c.Title, where, c.Detail, m.paint("2", "["+fmtMS(c.DurationMS)+"]"))
}

func fmtMS(ms float64) string {
	if ms >= 1000 {
		return fmt.Sprintf("%.1fs", ms/1000)
	}
	return fmt.Sprintf("%.0fms", ms)
}

func (m *marks) result(res *doctor.Result, lang string) {
	fmt.Fprintln(m.w)
	color := "32"
	if res.Verdict != msg.OK {
		color = "31"
	}
	fmt.Fprintf(m.w, "%s: %s (%s)\n", msg.T(lang, "doctor.verdict"), m.paint("1;"+color, res.Title), res.Verdict)
	fmt.Fprintln(m.w, res.Cause)
	if res.Evidence != "" {
		fmt.Fprintf(m.w, "\n%s:\n  %s\n", msg.T(lang, "doctor.evidence"), strings.ReplaceAll(res.Evidence, "\n", "\n  "))
	}
	fmt.Fprintf(m.w, "\n%s:\n", msg.T(lang, "doctor.fix"))
	for i, s := range res.Fix {
		fmt.Fprintf(m.w, "  %d. %s\n", i+1, s)
	}
	if len(res.Advice) > 0 {
		fmt.Fprintf(m.w, "\n%s:\n", msg.T(lang, "doctor.advice"))
		for _, a := range res.Advice {
			fmt.Fprintf(m.w, "  - %s\n", a)
		}
	}
}
