package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	ks "github.com/kardianos/service"
)

// Per-user: a Task Scheduler logon task driven with schtasks.exe. System:
// an SCM service created and controlled through kardianos/service, which
// also sets the recovery actions and registers the event log source.

func (m *Manager) install(ctx context.Context, noStart bool) error {
	if m.cfg.System {
		return m.installSCM(noStart)
	}
	if err := writeFiles(m.plan, m.out); err != nil {
		return err
	}
	cmds := m.plan.Commands
	if noStart {
		cmds = cmds[:m.plan.Registers]
	}
	if left, err := m.runAll(ctx, cmds); err != nil {
		fmt.Fprintf(m.out, "the task definition is written, but %v\nfix that, then run:\n", err)
		m.todo(left)
		return fmt.Errorf("register the logon task: %w", err)
	}
	return nil
}

func (m *Manager) uninstall(ctx context.Context) error {
	if m.cfg.System {
		s, err := m.scm()
		if err != nil {
			return err
		}
		if st, err := s.Status(); errors.Is(err, ks.ErrNotInstalled) {
			return ErrNotInstalled
		} else if st == ks.StatusRunning {
			_ = s.Stop()
		}
		if err := s.Uninstall(); err != nil {
			return fmt.Errorf("remove the Windows service%s: %w", adminHint(err), err)
		}
		fmt.Fprintln(m.out, "removed Windows service ferry")
		return nil
	}
	out, err := m.run(ctx, []string{"schtasks", "/Query", "/TN", Name, "/FO", "CSV", "/NH"})
	if named, _ := parseTaskQuery(out); (err != nil || !named) && !installed(m.plan) {
		return ErrNotInstalled
	}
	_, _ = m.run(ctx, []string{"schtasks", "/End", "/TN", Name}) // not running is fine
	if _, err := m.run(ctx, []string{"schtasks", "/Delete", "/TN", Name, "/F"}); err != nil {
		return fmt.Errorf("remove the logon task: %w", err)
	}
	fmt.Fprintln(m.out, "removed logon task ferry")
	return removeFiles(m.plan, m.out)
}

func (m *Manager) control(ctx context.Context, action string) error {
	if m.cfg.System {
		s, err := m.scm()
		if err != nil {
			return err
		}
		if _, err := s.Status(); errors.Is(err, ks.ErrNotInstalled) {
			return ErrNotInstalled
		}
		return ks.Control(s, action)
	}
	if !installed(m.plan) {
		return ErrNotInstalled
	}
	end := []string{"schtasks", "/End", "/TN", Name}
	run := []string{"schtasks", "/Run", "/TN", Name}
	switch action {
	case "start":
		_, err := m.run(ctx, run)
		return err
	case "stop":
		// schtasks /End terminates without a drain: ask ferry first.
		if stopTask(m.cfg.ConfigFile) {
			return nil
		}
		_, err := m.run(ctx, end)
		return err
	case "restart":
		if !stopTask(m.cfg.ConfigFile) {
			_, _ = m.run(ctx, end)
		}
		_, err := m.run(ctx, run)
		return err
	}
	return errors.New("service: unknown action " + action)
}

func (m *Manager) status(ctx context.Context) (Status, error) {
	if m.cfg.System {
		st := Status{Where: "Windows service " + Name}
		s, err := m.scm()
		if err != nil {
			return st, err
		}
		ss, err := s.Status()
		switch {
		case errors.Is(err, ks.ErrNotInstalled):
			return st, nil
		case err != nil:
			st.Installed, st.Detail = true, err.Error()
			return st, nil
		}
		st.Installed, st.RunningKnown, st.Running = true, true, ss == ks.StatusRunning
		st.Detail = map[ks.Status]string{ks.StatusRunning: "running", ks.StatusStopped: "stopped"}[ss]
		return st, nil
	}
	st := Status{Where: `Task Scheduler \` + Name}
	out, err := m.run(ctx, []string{"schtasks", "/Query", "/TN", Name, "/FO", "CSV", "/NH"})
	if err != nil {
		return st, nil // schtasks fails for a task that does not exist
	}
	// The state's words are localised; the caller also asks the relay
	// itself.
	if st.Installed, st.Detail = parseTaskQuery(out); st.Installed {
		st.RunningKnown, st.Running = true, strings.EqualFold(st.Detail, "Running")
	}
	return st, nil
}

// scm is the kardianos service for the SCM, with recovery actions: restart
// 5 s after every failure, failure count reset after a day.
func (m *Manager) scm() (ks.Service, error) {
	return ks.New(noProgram{}, scmConfig(m.cfg))
}

func scmConfig(c Config) *ks.Config {
	return &ks.Config{
		Name:        Name,
		DisplayName: "ferry proxy",
		Description: "ferry: local proxy that logs in to the corporate proxy for your apps",
		Executable:  c.Executable,
		Arguments:   []string{"service", "run", "--config", c.ConfigFile},
		Option: ks.KeyValue{
			"StartType":               "automatic",
			"DelayedAutoStart":        true,
			ks.OnFailure:              ks.OnFailureRestart,
			ks.OnFailureDelayDuration: "5s",
			ks.OnFailureResetPeriod:   86400,
		},
	}
}

func (m *Manager) installSCM(noStart bool) error {
	s, err := m.scm()
	if err != nil {
		return err
	}
	if _, err := s.Status(); err == nil {
		// Reinstall: the SCM refuses to create a service that exists.
		_ = s.Stop()
		if err := s.Uninstall(); err != nil {
			return fmt.Errorf("replace the Windows service%s: %w", adminHint(err), err)
		}
	}
	if err := s.Install(); err != nil {
		return fmt.Errorf("create the Windows service%s: %w", adminHint(err), err)
	}
	fmt.Fprintln(m.out, "created Windows service ferry (automatic start, restart on failure)")
	if noStart {
		return nil
	}
	if err := s.Start(); err != nil {
		return fmt.Errorf("start the Windows service: %w (see Event Viewer, Application log, source ferry)", err)
	}
	fmt.Fprintln(m.out, "started Windows service ferry")
	return nil
}

// noProgram is the kardianos Interface for a Service used only to install
// and control, never to run.
type noProgram struct{}

func (noProgram) Start(ks.Service) error { return nil }
func (noProgram) Stop(ks.Service) error  { return nil }
