// Package netwatch notices that the machine's network changed (VPN up or
// down, another Wi-Fi, wake from sleep) by polling its interfaces and
// addresses, the same way on Linux, macOS and Windows.
//
// It does not act on a change: the relay closes its pooled connections,
// forgets parents' backoff and fetches the PAC again (relay/netwatch.go).
package netwatch
