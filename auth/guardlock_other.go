//go:build !unix && !windows

package auth

import "os"

// Systems without flock or LockFileEx (wasip1, plan9) are no ferry target;
// there the state file is read and written without a lock.

func lockFile(*os.File, bool) error { return nil }

func unlockFile(*os.File) error { return nil }
