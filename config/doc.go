// Package config reads ferry's configuration: the ferry.toml file (its key
// table, with errors that name the file, the line and a "did you mean"),
// puts the command line and the environment over it (Overrides), fills the
// defaults, checks what only the whole can tell (a parent that is ferry
// itself, a scheme without the credentials it needs) and builds the
// libraries' own structs: Config.Relay for relay.Config, Config.Auth for
// auth.
//
// It also writes TOML where ferry does: 'ferry config show'
// (WriteEffective) and 'ferry import cntlm' (ImportCntlm).
//
// Only this package and cmd/ferry know TOML. It does not parse flags, print
// to the terminal or start anything: cmd/ferry does. Passwords come from
// auth's sources (keyring, command, prompt) when Finish asks for them;
// system proxy discovery is the discover package's, passed in as
// Overrides.Discover.
package config
