package main

// The status page's forms, wired to the commands' code: the new-password
// form runs `ferry password` (package setup), the "test a URL" box runs
// `ferry doctor` (package doctor). relay/report renders them and checks
// who may send them; it may not import setup or doctor (config imports
// relay), so these hooks arrive through relay.Config.

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/doctor"
	"github.com/ferryproxy/ferry/relay"
	"github.com/ferryproxy/ferry/relay/report"
	"github.com/ferryproxy/ferry/setup"
)

// statusForms serves the forms of one ferry run.
type statusForms struct {
	file string // the config file ferry runs with
	// reloadNow asks the reload loop to load the config at once and
	// closes the channel it was given when done.
	reloadNow chan chan error
	status    func() report.Status
}

// withForms sets rc's status-page hooks.
func (f *statusForms) withForms(rc relay.Config) relay.Config {
	rc.ChangePassword = f.changePassword
	doctorRelay := rc
	rc.CheckURL = func(ctx context.Context, lang, u string) report.URLCheck {
		return f.checkURL(ctx, doctorRelay, lang, u)
	}
	return rc
}

// changePassword is `ferry password` from the status page: the same
// config reading (no secret asked, FERRY_PASSWORD of the process set
// aside to see where the file keeps it), the same one logon, the same
// stores, then a reload at once instead of the next poll of the file.
func (f *statusForms) changePassword(ctx context.Context, pw, testURL string) report.PasswordResult {
	noShellPassword := func(k string) string {
		if k == "FERRY_PASSWORD" {
			return ""
		}
		return os.Getenv(k)
	}
	cfg, err := config.Load(f.file, config.Overrides{Getenv: noShellPassword, NoSecrets: true})
	if err != nil {
		return report.PasswordResult{Detail: "nothing was stored: " + err.Error()}
	}
	p := setup.PasswordChange{Config: cfg, TestURL: testURL, Out: io.Discard, ShellPassword: os.Getenv("FERRY_PASSWORD") != "",
		LockoutState: lockoutStateFile(os.Getenv)}
	where, err := p.Where()
	if err != nil {
		return report.PasswordResult{Detail: err.Error()}
	}
	stored, err := p.Apply(ctx, pw)
	if err != nil {
		return report.PasswordResult{Refused: errors.Is(err, setup.ErrRefused), Detail: err.Error()}
	}
	res := report.PasswordResult{Stored: true, Detail: stored, Next: p.Reload(where)}
	if where == setup.StoreEnvFile || cfg.File == "" {
		return res // the process's environment holds the old one: a restart
	}
	if err := f.reload(ctx); err != nil {
		res.Next = "The running ferry did not take it (" + err.Error() + "): fix that and send it SIGHUP, or restart it."
		return res
	}
	res.Reloaded = true
	res.Next = "The running ferry took it: apps work again now, without a restart."
	if p.ShellPassword {
		res.Next += " FERRY_PASSWORD is set in ferry's environment and overrides the stored password at the next start: update or unset it."
	}
	return res
}

// reload has the reload loop load the config now and waits for it.
func (f *statusForms) reload(ctx context.Context) error {
	if f.reloadNow == nil {
		return errors.New("this ferry does not reload its configuration")
	}
	done := make(chan error, 1)
	select {
	case f.reloadNow <- done:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkURL is `ferry doctor --url U` for the running configuration: its
// lockout safety reads the running ferry's rests directly.
func (f *statusForms) checkURL(ctx context.Context, rc relay.Config, lang, u string) report.URLCheck {
	dc := doctor.Config{Relay: rc, URLs: []string{u}, Lang: lang, ConfigFile: f.file,
		Running: func(context.Context) (*report.Status, error) {
			st := f.status()
			return &st, nil
		}}
	res := doctor.Run(ctx, dc, nil)
	return report.URLCheck{URL: u, Verdict: res.Verdict, Title: res.Title, Cause: res.Cause, Fix: res.Fix, Evidence: res.Evidence}
}
