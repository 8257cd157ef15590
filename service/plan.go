package service

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// Name is the service's name: the unit ferry.service, the task \ferry, the
// Windows service ferry.
const Name = "ferry"

// Label is the launchd job label on macOS (reverse-DNS, as launchd expects).
const Label = "io.github.ferryproxy.ferry"

// Config says what to install. Paths are absolute and in the target OS's
// form; cmd/ferry fills them from the running system (see Defaults).
type Config struct {
	// System installs a boot-time service under a system account instead
	// of a per-user one.
	System bool
	// Executable is the ferry binary the service runs.
	Executable string
	// ConfigFile is the ferry.toml the service reads (already validated).
	ConfigFile string
	// Home is the user's home directory (per-user installs on Linux and
	// macOS).
	Home string
	// ConfigHome is the user's config directory ($XDG_CONFIG_HOME or
	// ~/.config on Linux); the user unit goes under its systemd/user.
	ConfigHome string
	// LocalAppData is %LOCALAPPDATA% (Windows per-user: task definition and
	// log file); ProgramData is %ProgramData% (Windows system: log file).
	LocalAppData string
	ProgramData  string
	// Account is the user the per-user service runs as: DOMAIN\user for the
	// Windows logon task, the numeric uid for launchd's gui/<uid> domain.
	Account string
	// ExplicitCredentials says the config names its own credentials (a
	// password, an NT hash, a keytab) or needs none. A Windows system service
	// runs as LocalSystem, outside the user's logon session, so single
	// sign-on cannot work there: installing one requires this.
	ExplicitCredentials bool
}

// File is one file a plan writes.
type File struct {
	Path    string
	Mode    fs.FileMode
	Content []byte
	// What says what the file is, for the dry-run listing.
	What string
	// UTF16 writes Content as UTF-16LE with a byte order mark: Task
	// Scheduler's XML import expects it.
	UTF16 bool
}

// Plan is everything an install does, in order: create Dirs, write Files,
// then run Commands (register, enable, start). Uninstall reverses it.
type Plan struct {
	GOOS   string
	System bool
	Kind   string // "systemd user unit", "LaunchAgent", "logon task", ...
	Dirs   []string
	Files  []File
	// Commands register and start the service; the first Registers of them
	// only register it (what --no-start still runs).
	Commands  [][]string
	Registers int
	// Service describes a registration that is not a file (the Windows
	// SCM service, created through its API).
	Service string
	// Notes are things the user should know after installing.
	Notes []string
}

// ErrNeedsCredentials is returned for a Windows system service when the
// config names no credentials of its own.
var ErrNeedsCredentials = errors.New("a Windows system service runs as LocalSystem, outside your logon session, so single sign-on (SSPI) cannot work: " +
	"put explicit credentials in the config (auth.password, or auth.keytab with auth.user) or install per-user without --system")

// PlanFor builds the install plan for goos ("linux", "darwin", "windows")
// from c. It touches nothing, so it works for any OS on any OS.
func PlanFor(goos string, c Config) (Plan, error) {
	if c.Executable == "" || c.ConfigFile == "" {
		return Plan{}, errors.New("service: Config needs Executable and ConfigFile")
	}
	switch goos {
	case "linux":
		return linuxPlan(c)
	case "darwin":
		return darwinPlan(c)
	case "windows":
		return windowsPlan(c)
	}
	return Plan{}, fmt.Errorf("service: %s is not supported: ferry installs services on linux, darwin and windows", goos)
}

// Describe writes what the plan would do, file contents included: the
// output of --dry-run.
func (p Plan) Describe(w io.Writer) {
	mode := "per-user"
	if p.System {
		mode = "system"
	}
	fmt.Fprintf(w, "ferry service install (%s, %s): %s\n", p.GOOS, mode, p.Kind)
	for _, d := range p.Dirs {
		fmt.Fprintf(w, "\ncreate directory %s\n", d)
	}
	for _, f := range p.Files {
		enc := ""
		if f.UTF16 {
			enc = ", UTF-16LE"
		}
		fmt.Fprintf(w, "\nwrite %s (%s, mode %04o%s):\n", f.Path, f.What, f.Mode.Perm(), enc)
		for _, line := range strings.SplitAfter(string(f.Content), "\n") {
			if line != "" {
				fmt.Fprintf(w, "    %s", line)
			}
		}
		if !strings.HasSuffix(string(f.Content), "\n") {
			fmt.Fprintln(w)
		}
	}
	if p.Service != "" {
		fmt.Fprintf(w, "\nregister %s", p.Service)
	}
	if len(p.Commands) > 0 {
		fmt.Fprintln(w, "\nthen run:")
		for _, c := range p.Commands {
			fmt.Fprintf(w, "    %s\n", p.CommandLine(c))
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "\nnote: %s\n", n)
	}
}

// CommandLine renders argv for a person to read and paste into a shell of
// the plan's OS.
func (p Plan) CommandLine(argv []string) string {
	if p.GOOS == "windows" {
		return windowsCommandLine(argv...)
	}
	out := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\"'$\\&;|<>()*?[]#~`!") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// join joins path elements with goos's separator, so that a Windows plan
// built on Linux has Windows paths.
func join(goos string, elem ...string) string {
	sep := "/"
	if goos == "windows" {
		sep = `\`
	}
	var b strings.Builder
	for i, e := range elem {
		if i > 0 && !strings.HasSuffix(b.String(), sep) {
			b.WriteString(sep)
		}
		b.WriteString(e)
	}
	return b.String()
}

// dir is the directory part of a path in goos's form.
func dir(goos, p string) string {
	sep := "/"
	if goos == "windows" {
		sep = `\`
	}
	if i := strings.LastIndex(p, sep); i > 0 {
		return p[:i]
	}
	return p
}
