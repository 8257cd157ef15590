package auth

// pauseBeforeWrite has g wait between reading the state file and writing
// it, where two processes without a lock overwrite each other.
func pauseBeforeWrite(g *Guard, pause func()) { g.beforeWrite = pause }
