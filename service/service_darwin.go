package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// The launchctl subcommands used are the "new" ones (bootstrap, bootout,
// kickstart, print; macOS 10.10+): kardianos/service still uses the legacy
// load/unload, which Apple deprecated.

func (m *Manager) target() string { return launchdDomain(m.cfg) + "/" + Label }

func (m *Manager) needRoot(what string) error {
	if m.cfg.System && os.Geteuid() != 0 {
		return fmt.Errorf("%s the LaunchDaemon needs root: run sudo ferry service %s --system", what, what)
	}
	return nil
}

func (m *Manager) install(ctx context.Context, noStart bool) error {
	if err := m.needRoot("install"); err != nil {
		return err
	}
	// A job loaded from an older plist keeps running it: unload it first.
	_, _ = m.run(ctx, []string{"launchctl", "bootout", m.target()})
	if err := writeFiles(m.plan, m.out); err != nil {
		return err
	}
	if noStart {
		fmt.Fprintf(m.out, "not started (--no-start); launchd starts it at the next login, or run: ferry service start\n")
		return nil
	}
	if left, err := m.runAll(ctx, m.plan.Commands); err != nil {
		fmt.Fprintf(m.out, "the job is written, but %v\nfix that, then run:\n", err)
		m.todo(left)
		return fmt.Errorf("load the launchd job: %w", err)
	}
	return nil
}

func (m *Manager) uninstall(ctx context.Context) error {
	if err := m.needRoot("uninstall"); err != nil {
		return err
	}
	if !installed(m.plan) {
		return ErrNotInstalled
	}
	if _, err := m.run(ctx, []string{"launchctl", "bootout", m.target()}); err == nil {
		fmt.Fprintf(m.out, "stopped and unloaded %s\n", Label)
	}
	return removeFiles(m.plan, m.out)
}

func (m *Manager) loaded(ctx context.Context) (string, bool) {
	out, err := m.run(ctx, []string{"launchctl", "print", m.target()})
	return out, err == nil
}

func (m *Manager) control(ctx context.Context, action string) error {
	if !installed(m.plan) {
		return ErrNotInstalled
	}
	_, loaded := m.loaded(ctx)
	var err error
	switch action {
	case "start":
		if !loaded {
			_, err = m.run(ctx, m.plan.Commands[0]) // bootstrap; RunAtLoad starts it
		} else {
			_, err = m.run(ctx, []string{"launchctl", "kickstart", m.target()})
		}
	case "stop":
		if !loaded {
			return nil
		}
		// SIGTERM makes ferry drain and exit 0; KeepAlive's SuccessfulExit
		// = false then leaves it stopped (until the next login or boot).
		_, err = m.run(ctx, []string{"launchctl", "kill", "SIGTERM", m.target()})
	case "restart":
		if !loaded {
			_, err = m.run(ctx, m.plan.Commands[0])
		} else {
			_, err = m.run(ctx, []string{"launchctl", "kickstart", "-k", m.target()})
		}
	default:
		return errors.New("service: unknown action " + action)
	}
	return err
}

func (m *Manager) status(ctx context.Context) (Status, error) {
	st := Status{Where: m.plan.Files[0].Path, Installed: installed(m.plan)}
	out, loaded := m.loaded(ctx)
	if !loaded {
		st.RunningKnown, st.Detail = true, "not loaded"
		return st, nil
	}
	st.RunningKnown = true
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " = "); ok && k == "state" {
			st.Detail = v
			st.Running = v == "running"
			break
		}
	}
	return st, nil
}
