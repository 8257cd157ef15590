// Package service installs ferry as a service of the operating system's
// service manager and controls it: a systemd unit on Linux, a launchd job on
// macOS, a Task Scheduler logon task or an SCM service on Windows.
//
// Per-user is the default, because the user's Kerberos tickets, keyring and
// Windows single sign-on live in the user's session: a systemd user unit
// (WantedBy=default.target), a LaunchAgent, or a logon task. System mode
// (Config.System) runs ferry at boot under a system account: a hardened
// systemd system unit running as user ferry, a LaunchDaemon, or a Windows
// service with restart-on-failure recovery actions.
//
// What is written is rendered from the templates in templates/ by Render,
// which is portable: a Plan for any OS can be built and printed on any OS
// (ferry service install --dry-run), and the golden tests check every template
// on every OS. Each format's plan is in the file named for it:
// systemd_unit.go, launchd_plist.go, taskscheduler_scm.go. Applying a plan
// (writing files, calling systemctl, launchctl or schtasks) is OS-specific, in
// the _linux, _darwin and _windows files. github.com/kardianos/service is used
// where it does the job well (the Windows SCM service: install with recovery
// actions, the event log, and the service control loop); it falls short for
// per-user services (user units that never start at login, legacy launchctl
// load, no per-user Windows autostart), so those are generated here.
//
// It also tells whether the service's ferry runs, by its relay's own answer
// (WaitRelay, RelaySummary in relay.go), and reads the environment file a
// systemd unit loads (ReadEnvFile).
//
// The package does not read ferry's TOML config: the caller (cmd/ferry)
// validates it and passes typed values in Config (ConfigFor builds one).
package service
