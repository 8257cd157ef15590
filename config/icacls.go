package config

import "strings"

// Well-known SIDs in icacls' *SID form, which every Windows language
// accepts (the names "SYSTEM" and "Administrators" are translated).
const (
	sidSystem         = "*S-1-5-18"
	sidAdministrators = "*S-1-5-32-544"
)

// icaclsAdvice is the command that leaves a config file holding a password
// readable by its owner alone. It names the user itself: %USERNAME% expands
// in cmd.exe only, not in PowerShell. /inheritance:r drops every inherited
// entry, SYSTEM's and Administrators' too, so those are granted again: a
// system service (system = true) runs as LocalSystem and reads the file as
// SYSTEM, and there no user is added at all. Quoted with plain double
// quotes: Windows paths hold no '"', and Go's %q would double every '\'.
func icaclsAdvice(path, user string, system bool) string {
	grants := []string{sidSystem + ":F", sidAdministrators + ":F"}
	if !system {
		grants = append([]string{winQuote(user + ":F")}, grants...)
	}
	return "icacls " + winQuote(path) + " /inheritance:r /grant:r " + strings.Join(grants, " ")
}

// winQuote quotes s for cmd.exe and PowerShell when it holds a space.
func winQuote(s string) string {
	if strings.ContainsAny(s, " \t&()") {
		return `"` + s + `"`
	}
	return s
}
