package auth

import "testing"

// pauseBeforeWrite has g wait between reading the state file and writing
// it, where two processes without a lock overwrite each other.
func pauseBeforeWrite(g *Guard, pause func()) { g.beforeWrite = pause }

// closeAtEnd closes g when t ends: under Wine, as on Windows, the test's
// directory cannot be removed while the lock file is open.
func closeAtEnd(t testing.TB, g *Guard) {
	t.Helper()
	if g != nil {
		t.Cleanup(func() { g.Close() })
	}
}
