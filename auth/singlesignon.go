package auth

import "fmt"

// SingleSignOn says, for the OS ferry runs on, what ferry logs on with when
// the config holds no password: a Kerberos ticket cache on Unix, the
// logged-on user through SSPI on Windows (singlesignon_other.go,
// singlesignon_windows.go). Messages about missing credentials use it so
// that Windows users are not told to run kinit. It lives with the schemes,
// not in package credentials: these credentials are never a secret ferry
// holds, the Negotiate and NTLM schemes take them from the OS inside an
// exchange (kerberos_ccache.go, sspi_windows.go).
type SingleSignOn struct {
	// Schemes completes "only ... can be used" when no password is set.
	Schemes string
	// Off lists the schemes that need a password.
	Off string
	// Fix completes "set a password, or ...".
	Fix string
}

// ErrSSOUnavailable means Windows single sign-on could not get the
// logged-on user's credentials (SSPI refused: a local account, no domain
// logon, a service running as LocalSystem). It wraps ErrNoCredentials so
// the relay tries the next scheme, and it has its own verdict: "no user or
// password configured" and "run kinit" would send a Windows user the wrong
// way.
var ErrSSOUnavailable = fmt.Errorf("windows single sign-on is not available: %w", ErrNoCredentials)
