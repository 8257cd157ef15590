// Package failure is ferry's one vocabulary for what went wrong: an Error
// carries its Cause (the same words `ferry doctor` and the message catalogue
// in internal/msg use), the peer it concerns, what happened and what to do.
// The parent client builds these errors; the relay, the error pages, the
// status page, SOCKS5 replies and doctor read them with errors.As.
package failure
