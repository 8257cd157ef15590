package service

import (
	"fmt"
	"strings"
)

// The Linux plan: a systemd unit. Applying it is in service_linux.go.

// UserUnitPath is where the per-user unit goes: systemd reads user units
// from $XDG_CONFIG_HOME/systemd/user (systemd.unit(5) "Unit File Load Path").
func UserUnitPath(c Config) string {
	base := c.ConfigHome
	if base == "" {
		base = join("linux", c.Home, ".config")
	}
	return join("linux", base, "systemd", "user", Name+".service")
}

// SystemUnitPath is where the system unit goes (a package ships its own in
// /usr/lib/systemd/system, which this one overrides).
const SystemUnitPath = "/etc/systemd/system/" + Name + ".service"

// SystemEnvFile is the system unit's optional environment file.
const SystemEnvFile = "/etc/ferry/ferry.env"

// hiddenFromSystemUnit are the trees the system unit's ProtectHome=yes and
// PrivateTmp=yes hide from ferry: a config there would not be found.
var hiddenFromSystemUnit = []string{"/home/", "/root/", "/run/user/", "/tmp/", "/var/tmp/"}

func linuxPlan(c Config) (Plan, error) {
	p := Plan{GOOS: "linux", System: c.System}
	if c.System {
		for _, h := range hiddenFromSystemUnit {
			if strings.HasPrefix(c.ConfigFile, h) {
				return Plan{}, fmt.Errorf("the system service cannot read %s: its hardening (ProtectHome, PrivateTmp) hides %s; put the config in /etc/ferry/ferry.toml (chgrp ferry, chmod 640) or install per-user without --system", c.ConfigFile, strings.TrimSuffix(h, "/"))
			}
		}
	}
	d := templateData{Config: c, EnvFile: EnvFile(c)}
	if c.System {
		p.Kind = "systemd system unit"
		unit, err := render("systemd-system.service.tmpl", d)
		if err != nil {
			return Plan{}, err
		}
		p.Files = []File{{Path: SystemUnitPath, Mode: 0o644, Content: unit, What: "systemd system unit"}}
		p.Commands = [][]string{
			{"systemctl", "daemon-reload"},
			{"systemctl", "enable", Name + ".service"},
			{"systemctl", "restart", Name + ".service"},
		}
		p.Registers = 2
		p.Notes = []string{
			"the service runs as the system user ferry (created if missing): it must be able to read " + c.ConfigFile +
				" (chgrp ferry, chmod 0640); logs: journalctl -u ferry",
		}
		return p, nil
	}
	p.Kind = "systemd user unit"
	unit, err := render("systemd-user.service.tmpl", d)
	if err != nil {
		return Plan{}, err
	}
	path := UserUnitPath(c)
	p.Dirs = []string{dir("linux", path)}
	p.Files = []File{{Path: path, Mode: 0o644, Content: unit, What: "systemd user unit"}}
	p.Commands = [][]string{
		{"systemctl", "--user", "daemon-reload"},
		{"systemctl", "--user", "enable", Name + ".service"},
		{"systemctl", "--user", "restart", Name + ".service"},
	}
	p.Registers = 2
	p.Notes = []string{
		"a user unit starts when you log in; to start it at boot without logging in: loginctl enable-linger $USER; logs: journalctl --user -u ferry",
	}
	return p, nil
}

// EnvFile is the optional environment file the Linux unit loads
// (EnvironmentFile=-...): FERRY_PASSWORD=... there keeps the password out
// of the config. It sits beside the config file for a user unit.
func EnvFile(c Config) string {
	if c.System {
		return SystemEnvFile
	}
	return join("linux", dir("linux", c.ConfigFile), "ferry.env")
}
