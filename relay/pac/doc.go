// Package pac evaluates proxy auto-config (PAC) files: Parse compiles one,
// Script.FindProxy answers which proxies to use for a URL, ParseResult reads
// a "PROXY a:8080; DIRECT" answer, and Load fetches a file from http:,
// https:, file: or a path.
//
// Scripts run in github.com/dop251/goja. Every helper of the Netscape
// specification (isPlainHostName, dnsDomainIs, localHostOrDomainIs,
// isResolvable, isInNet, dnsResolve, myIpAddress, dnsDomainLevels,
// shExpMatch, weekdayRange, dateRange, timeRange, alert) and Microsoft's
// IPv6 set (isResolvableEx, isInNetEx, dnsResolveEx, myIpAddressEx,
// sortIpAddressList, getClientVersion, FindProxyForURLEx) is implemented in
// Go, with DNS, local addresses, the clock and the log injectable for tests.
//
// A PAC file may come from a hostile WPAD answer, so an evaluation is
// bounded: a deadline (Options.Timeout) interrupts loops and DNS lookups, a
// call-depth limit stops runaway recursion, backtracking regexps have a
// match timeout, and source-map comments are ignored (goja would read the
// local file they name). Memory is not bounded: a script that builds a
// gigabyte string can still exhaust it.
//
// The package does not route, fetch on a schedule or decide what to do when
// a PAC fails; callers do (relay and cmd/ferry).
package pac
