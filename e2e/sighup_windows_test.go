package e2e

import "testing"

// sighup: Windows has no SIGHUP; ferry reloads there when its config file
// changes (TestConfigFileChangeReloads).
func sighup(t *testing.T, _ int) {
	t.Helper()
	t.Skip("SIGHUP is Unix only")
}
