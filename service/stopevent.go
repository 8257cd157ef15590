package service

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
)

// StopEventName is the name of the Windows event that asks the ferry
// running the logon task for configFile to drain and stop
// (stopevent_windows.go). The task's ferry has no console once it detached
// (DetachConsole), so no Ctrl-C reaches it, and `schtasks /End` terminates
// the process without a drain: `ferry service stop` sets this event first.
// The name is per session (Local\) and per config file, so two users' or
// two configs' relays do not stop each other.
func StopEventName(configFile string) string {
	abs, err := filepath.Abs(configFile)
	if err != nil {
		abs = configFile
	}
	sum := sha256.Sum256([]byte(strings.ToLower(filepath.Clean(abs))))
	return `Local\ferry-stop-` + hex.EncodeToString(sum[:8])
}
