package service

import "errors"

// The Windows plans: a logon task (per-user) or an SCM service (system).
// Applying them is in service_windows.go.
//
// Why a logon task rather than the HKCU Run key: both start ferry in the
// user's logon session, so SSPI single sign-on works and no password is
// stored; but Task Scheduler also restarts the task when it fails
// (RestartOnFailure), has no execution time limit, and can be started,
// stopped and queried by name (schtasks /Run, /End, /Query), which gives
// `ferry service start|stop|status` something to talk to. A Run key entry
// is fire-and-forget.

// TaskFile is where the logon task's definition is kept (schtasks imports
// it; keeping it lets a user read what was registered).
func TaskFile(c Config) string {
	return join("windows", c.LocalAppData, "ferry", "ferry-task.xml")
}

// WindowsLogFile is the per-user task's log file: a task has no console
// anyone reads and no event log source (registering one needs admin).
func WindowsLogFile(c Config) string {
	return join("windows", c.LocalAppData, "ferry", "ferry.log")
}

func windowsPlan(c Config) (Plan, error) {
	p := Plan{GOOS: "windows", System: c.System}
	if c.System {
		if !c.ExplicitCredentials {
			return Plan{}, ErrNeedsCredentials
		}
		p.Kind = "Windows service"
		desc, err := render("windows-service.txt.tmpl", templateData{Config: c})
		if err != nil {
			return Plan{}, err
		}
		// Not a file: the SCM API creates the service. Its description is
		// what --dry-run shows and what the golden test checks.
		p.Service = string(desc)
		p.Notes = []string{"logs: Event Viewer, Windows Logs > Application, source ferry"}
		return p, nil
	}
	p.Kind = "logon task"
	if c.Account == "" {
		return Plan{}, errors.New("service: a logon task needs the account (DOMAIN\\user) it runs as")
	}
	log := WindowsLogFile(c)
	task, err := render("logon-task.xml.tmpl", templateData{Config: c, LogFile: log})
	if err != nil {
		return Plan{}, err
	}
	file := TaskFile(c)
	p.Dirs = []string{dir("windows", file)}
	p.Files = []File{{Path: file, Mode: 0o644, Content: task, What: "Task Scheduler task definition", UTF16: true}}
	p.Commands = [][]string{
		{"schtasks", "/Create", "/TN", Name, "/XML", file, "/F"},
		{"schtasks", "/Run", "/TN", Name},
	}
	p.Registers = 1
	p.Notes = []string{"the task starts ferry when you log on; logs: " + log}
	return p, nil
}
