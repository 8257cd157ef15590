package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"unicode/utf16"
)

// ErrNotInstalled is returned by Uninstall, Start, Stop and Restart when
// ferry is not installed as a service.
var ErrNotInstalled = errors.New("ferry is not installed as a service: run ferry service install")

// Status is what the service manager says about ferry.
type Status struct {
	Installed bool
	// Where is the unit, plist or task (or the SCM service name).
	Where string
	// Running is known only when the service manager answered.
	Running      bool
	RunningKnown bool
	// Detail is the service manager's own word (active, failed, Ready, ...)
	// or why it could not be asked.
	Detail string
}

// Manager installs and controls ferry as a service of this machine's
// service manager.
type Manager struct {
	cfg  Config
	plan Plan
	out  io.Writer
	// run runs a service manager command; tests replace it.
	run func(ctx context.Context, argv []string) (string, error)
}

// New builds the plan for this OS from c. Messages about what Install and
// Uninstall did go to out.
func New(c Config, out io.Writer) (*Manager, error) {
	p, err := PlanFor(runtime.GOOS, c)
	if err != nil {
		return nil, err
	}
	return &Manager{cfg: c, plan: p, out: out, run: runCommand}, nil
}

// Plan is what Install does.
func (m *Manager) Plan() Plan { return m.plan }

// Install writes the plan's files and registers the service; unless
// noStart, it also enables and starts it.
func (m *Manager) Install(ctx context.Context, noStart bool) error {
	return m.install(ctx, noStart)
}

// Uninstall stops and unregisters the service and removes its files.
func (m *Manager) Uninstall(ctx context.Context) error { return m.uninstall(ctx) }

// Start, Stop and Restart ask the service manager.
func (m *Manager) Start(ctx context.Context) error   { return m.control(ctx, "start") }
func (m *Manager) Stop(ctx context.Context) error    { return m.control(ctx, "stop") }
func (m *Manager) Restart(ctx context.Context) error { return m.control(ctx, "restart") }

// Status says whether ferry is installed and running.
func (m *Manager) Status(ctx context.Context) (Status, error) { return m.status(ctx) }

func runCommand(ctx context.Context, argv []string) (string, error) {
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if msg == "" {
			return string(out), fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
		}
		return string(out), fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, msg)
	}
	return string(out), nil
}

// writeFiles creates the plan's directories and writes its files, each
// through a temporary file and a rename so a reinstall never leaves half a
// unit behind.
func writeFiles(p Plan, out io.Writer) error {
	for _, d := range p.Dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	for _, f := range p.Files {
		if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(f.Path), err)
		}
		content := f.Content
		if f.UTF16 {
			content = encodeUTF16(content)
		}
		tmp := f.Path + ".tmp"
		if err := os.WriteFile(tmp, content, f.Mode); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		if err := os.Chmod(tmp, f.Mode); err != nil { // WriteFile's mode is subject to the umask
			os.Remove(tmp)
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		if err := os.Rename(tmp, f.Path); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		fmt.Fprintf(out, "wrote %s (%s)\n", f.Path, f.What)
	}
	return nil
}

// removeFiles removes the plan's files; missing ones are fine.
func removeFiles(p Plan, out io.Writer) error {
	var errs []error
	for _, f := range p.Files {
		err := os.Remove(f.Path)
		switch {
		case err == nil:
			fmt.Fprintf(out, "removed %s\n", f.Path)
		case !errors.Is(err, os.ErrNotExist):
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// installed reports whether the plan's first file exists.
func installed(p Plan) bool {
	if len(p.Files) == 0 {
		return false
	}
	_, err := os.Stat(p.Files[0].Path)
	return err == nil
}

// encodeUTF16 turns UTF-8 text into UTF-16LE with a byte order mark.
func encodeUTF16(b []byte) []byte {
	units := utf16.Encode([]rune(string(b)))
	out := make([]byte, 2, 2+2*len(units))
	out[0], out[1] = 0xff, 0xfe
	for _, u := range units {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// runAll runs cmds in order and stops at the first failure, returning the
// commands it did not get to so the caller can tell the user what to run.
func (m *Manager) runAll(ctx context.Context, cmds [][]string) (left [][]string, err error) {
	for i, c := range cmds {
		if _, err := m.run(ctx, c); err != nil {
			return cmds[i:], err
		}
		fmt.Fprintf(m.out, "ran %s\n", m.plan.CommandLine(c))
	}
	return nil, nil
}

// todo prints commands for the user to run.
func (m *Manager) todo(cmds [][]string) {
	for _, c := range cmds {
		fmt.Fprintf(m.out, "    %s\n", m.plan.CommandLine(c))
	}
}
