// Package credentials is where ferry's secrets come from when they are not
// in the config file: the OS keyring (Keyring), a password_command run
// through the shell (PasswordCommand), the terminal prompt (Prompt,
// ReadPassword), and the password hashes in the text form cntlm writes
// (HashPassword for `ferry hash`, ParseCntlmHash for pass_lm, pass_nt and
// pass_ntlmv2).
//
// Each source is asked once, at start, and yields a password or a hash that
// the caller puts in an auth.Config. The package does not answer challenges,
// choose schemes or guard against lockouts (package auth does), and it does
// not read ferry's TOML config (package config decides which source to ask;
// package setup stores what ferry init is given). Ambient OS credentials
// that a scheme uses by itself, a Kerberos ticket cache or Windows SSPI's
// logged-on user, stay with the schemes in auth: they are acquired inside
// the exchange, not handed over as a secret.
//
// No source logs its secret or puts it in an error.
package credentials
