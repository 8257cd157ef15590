package auth

// SingleSignOn says, for the OS ferry runs on, what ferry logs on with when
// the config holds no password: a Kerberos ticket cache on Unix, the
// logged-on user through SSPI on Windows (singlesignon_unix.go,
// singlesignon_windows.go). Messages about missing credentials use it so
// that Windows users are not told to run kinit.
type SingleSignOn struct {
	// Schemes completes "only ... can be used" when no password is set.
	Schemes string
	// Off lists the schemes that need a password.
	Off string
	// Fix completes "set a password, or ...".
	Fix string
}
