//go:build !windows

package auth

// sspiSchemes: Windows single sign-on exists only on Windows.
func sspiSchemes(Config) map[string]Scheme { return nil }
