package service

// The macOS plan: a launchd job. Applying it is in service_darwin.go.

// PlistPath is where the job's property list goes: ~/Library/LaunchAgents
// for a per-user agent, /Library/LaunchDaemons for a system daemon.
func PlistPath(c Config) string {
	if c.System {
		return "/Library/LaunchDaemons/" + Label + ".plist"
	}
	return join("darwin", c.Home, "Library", "LaunchAgents", Label+".plist")
}

// DarwinLogFile is where launchd sends ferry's stderr.
func DarwinLogFile(c Config) string {
	if c.System {
		return "/Library/Logs/ferry/ferry.log"
	}
	return join("darwin", c.Home, "Library", "Logs", "ferry", "ferry.log")
}

// launchdDomain is the launchctl domain target: gui/<uid> for an agent in
// the user's login session, system for a daemon.
func launchdDomain(c Config) string {
	if c.System {
		return "system"
	}
	return "gui/" + c.Account
}

func darwinPlan(c Config) (Plan, error) {
	p := Plan{GOOS: "darwin", System: c.System, Kind: "LaunchAgent"}
	if c.System {
		p.Kind = "LaunchDaemon"
	}
	log := DarwinLogFile(c)
	plist, err := render("launchd.plist.tmpl", templateData{Config: c, LogFile: log})
	if err != nil {
		return Plan{}, err
	}
	path := PlistPath(c)
	p.Dirs = []string{dir("darwin", path), dir("darwin", log)}
	p.Files = []File{{Path: path, Mode: 0o644, Content: plist, What: "launchd " + p.Kind}}
	// bootstrap both loads the job and, with RunAtLoad, starts it: there is
	// no register-only step, so --no-start runs nothing.
	p.Commands = [][]string{{"launchctl", "bootstrap", launchdDomain(c), path}}
	p.Registers = 0
	p.Notes = []string{"logs: " + log}
	if c.System {
		p.Notes = append(p.Notes, "a LaunchDaemon runs as root at boot, outside any login session: the config must name its own credentials")
	}
	return p, nil
}
