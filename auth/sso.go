package auth

import "fmt"

// ErrSSOUnavailable means Windows single sign-on could not get the
// logged-on user's credentials (SSPI refused: a local account, no domain
// logon, a service running as LocalSystem). It wraps ErrNoCredentials so
// the relay tries the next scheme, and it has its own verdict: "no user or
// password configured" and "run kinit" would send a Windows user the wrong
// way.
var ErrSSOUnavailable = fmt.Errorf("windows single sign-on is not available: %w", ErrNoCredentials)
