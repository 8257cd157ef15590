// Package setup is ferry init's wizard: it finds the parent proxy
// (discover.Parent), asks it once without credentials what it offers,
// makes exactly one logon through an in-process relay (the relay's own
// logon, so what it checks is what ferry run does), keeps the secret in
// the OS keyring or as an NTLMv2 hash, and writes the config file (mode
// 0600, never over an existing one without Force).
//
// It also holds ferry password (PasswordChange): one logon with a changed
// password, then the password stored where the config already keeps the
// secret, editing ferry.toml and ferry.env in place (comments, order and
// mode kept), and a touch of the config file so that a running ferry
// reloads.
//
// It never retries a refused password on its own: each refusal counts
// towards the account's lockout, so only a person typing the password
// again (Conversation.Interactive) makes a second logon.
//
// It does not parse flags or open the terminal: cmd/ferry does, and passes
// the answers in as a Conversation.
package setup
