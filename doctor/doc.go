// Package doctor finds out why ferry cannot reach the web through its parent
// proxy, and says so in one verdict with its evidence and the steps that fix
// it. It runs the checks a person would, in order, and stops at the first
// that fails: the configuration, the parent's name, the TCP connection, the
// parent speaking HTTP proxy, the logon schemes it offers, ferry's
// credentials for one of them, one logon, a CONNECT and a plain GET. A setup
// that a PAC alone routes has the PAC evaluated first, by the relay's own
// PAC router (pac.go), and the proxies it names checked in its order.
//
// It is lockout-safe: it makes at most one logon attempt per parent per run,
// and none at all while the running ferry rests the credentials after a
// rejection. The logon and the requests go through ferry's own client of
// the parent (package relay/parent) and its failures are relay/failure
// errors, so doctor and the relay classify failures with the same code and
// the same words (package internal/msg).
//
// doctor takes typed configuration (relay.Config); reading files and flags is
// cmd/ferry's job.
package doctor
