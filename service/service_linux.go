package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// systemdRunning is sd_booted(3): systemd is PID 1 when this directory
// exists. In containers and chroots it usually does not.
func systemdRunning() bool {
	fi, err := os.Stat("/run/systemd/system")
	return err == nil && fi.IsDir()
}

// systemctl is the systemctl command for this mode.
func (m *Manager) systemctl(args ...string) []string {
	if m.cfg.System {
		return append([]string{"systemctl"}, args...)
	}
	return append([]string{"systemctl", "--user"}, args...)
}

func (m *Manager) install(ctx context.Context, noStart bool) error {
	if m.cfg.System {
		if os.Geteuid() != 0 {
			return errors.New("installing the system service needs root: run sudo ferry service install --system (or install per-user without --system)")
		}
		if err := m.ensureSystemUser(ctx); err != nil {
			return err
		}
	}
	if err := writeFiles(m.plan, m.out); err != nil {
		return err
	}
	cmds := m.plan.Commands
	if noStart {
		cmds = cmds[:m.plan.Registers]
	}
	if !systemdRunning() {
		fmt.Fprintln(m.out, "systemd is not running on this machine (no /run/systemd/system), so the unit is written but not enabled or started; once systemd runs, run:")
		m.todo(cmds)
		return nil
	}
	if left, err := m.runAll(ctx, cmds); err != nil {
		fmt.Fprintf(m.out, "the unit is written, but %v\nfix that, then run:\n", err)
		m.todo(left)
		return fmt.Errorf("enable the unit: %w", err)
	}
	return nil
}

// ensureSystemUser creates the system user ferry (and its group) that the
// system unit runs as, when it does not exist yet.
func (m *Manager) ensureSystemUser(ctx context.Context) error {
	if _, err := m.run(ctx, []string{"getent", "passwd", "ferry"}); err == nil {
		return nil
	}
	cmd := []string{"useradd", "--system", "--user-group", "--no-create-home",
		"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment", "ferry proxy", "ferry"}
	if _, err := exec.LookPath("useradd"); err != nil {
		return fmt.Errorf("create the system user ferry: useradd not found: create the user yourself, then install again")
	}
	if _, err := m.run(ctx, cmd); err != nil {
		return fmt.Errorf("create the system user ferry: %w", err)
	}
	fmt.Fprintln(m.out, "created system user ferry")
	return nil
}

func (m *Manager) uninstall(ctx context.Context) error {
	if m.cfg.System && os.Geteuid() != 0 {
		return errors.New("removing the system service needs root: run sudo ferry service uninstall --system")
	}
	if !installed(m.plan) {
		return ErrNotInstalled
	}
	if systemdRunning() {
		// disable --now stops it too; a failure (never enabled) is fine.
		if _, err := m.run(ctx, m.systemctl("disable", "--now", Name+".service")); err == nil {
			fmt.Fprintf(m.out, "stopped and disabled %s.service\n", Name)
		}
	}
	if err := removeFiles(m.plan, m.out); err != nil {
		return err
	}
	if systemdRunning() {
		if _, err := m.run(ctx, m.systemctl("daemon-reload")); err != nil {
			return err
		}
	}
	if m.cfg.System {
		fmt.Fprintln(m.out, "the system user ferry is kept (userdel ferry removes it)")
	}
	return nil
}

func (m *Manager) control(ctx context.Context, action string) error {
	if !installed(m.plan) {
		return ErrNotInstalled
	}
	if !systemdRunning() {
		return fmt.Errorf("cannot %s ferry: systemd is not running on this machine (no /run/systemd/system); run ferry run --config %s in the foreground instead", action, m.cfg.ConfigFile)
	}
	_, err := m.run(ctx, m.systemctl(action, Name+".service"))
	return err
}

func (m *Manager) status(ctx context.Context) (Status, error) {
	st := Status{Where: m.plan.Files[0].Path, Installed: installed(m.plan)}
	if !systemdRunning() {
		st.Detail = "systemd is not running on this machine"
		return st, nil
	}
	// is-active exits non-zero for anything but active: its output is the
	// answer either way.
	out, err := m.run(ctx, m.systemctl("is-active", Name+".service"))
	word := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
	switch {
	case word != "" && !strings.Contains(word, " "):
		st.RunningKnown, st.Running, st.Detail = true, word == "active", word
	case err != nil:
		st.Detail = err.Error()
	}
	return st, nil
}
