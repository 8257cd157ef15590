// Package failure is ferry's one vocabulary for what went wrong: an Error
// carries its Cause, the peer it concerns, what happened and what to do.
// Each Cause is declared with its verdict, a key of the message catalogue
// (internal/msg) that error pages, the status page and `ferry doctor`
// explain, so an Error's verdict is fixed where it is built (Auth makes it
// finer for a failed Kerberos or single sign-on step); nothing maps causes
// to verdicts afterwards, and nobody reads them back from header text.
// The parent client builds these errors; the relay, the error pages, the
// status page, SOCKS5 replies and doctor read them with errors.As.
package failure
