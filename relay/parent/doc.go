// Package parent is ferry's client of an authenticating parent proxy: an
// Upstream holds the pool of keep-alive connections to one parent, logs on
// to it (Negotiate/Kerberos, NTLM, Digest, Basic through package auth),
// keeps the lockout guard's rule so that a wrong password is not tried
// again until its cool-down ends, and tracks whether the parent is alive.
//
// Where things are:
//
//   - upstream.go: Upstream, Config, New, Stats
//   - pool.go: the pool of idle connections (get, Put, dial, CloseIdle)
//   - spare.go: spare connections, dialed (for NTLM, past the type 1 leg)
//     before an app asks, so that a new tunnel opens in one round trip
//   - exchange.go: one request's way through the logon exchange (407s,
//     scheme choice, stale connections)
//   - guard.go: the lockout rule, all of it (auth.Guard only remembers
//     which credentials rest where)
//   - refused401.go: a 401 that is the parent refusing the credentials
//   - expect.go: Expect: 100-continue for bodies that cannot be sent twice
//   - health.go: parent down/up, probes with backoff, TryList
//   - transport.go: RoundTrip and DialContext, for Go programs
//   - upconn.go, outreq.go, body.go: a connection, a request as written to
//     the parent, a body that can be sent again while small
//
// net/http's Transport is not used towards parents: it cannot keep the legs
// of an NTLM or Negotiate handshake on one connection, and it closes a
// CONNECT connection on a 407. An Upstream therefore writes requests and
// reads responses itself and runs the authentication loop with an
// auth.Session per connection. For Go programs it is an http.RoundTripper
// for http:// URLs and a CONNECT dialer (transport.go).
//
// It holds no server: accepting apps' connections, routing (PAC, no_proxy),
// forwarding responses and splicing tunnels are package relay's.
package parent
