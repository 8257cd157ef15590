// Package e2e runs the ferry binary between real clients (Go's net/http and
// curl) and real parent proxies (squid with Basic, Digest, NTLM and
// Negotiate against an MIT KDC), all on loopback, and checks what each side
// saw: the origin's view of the request, squid's access log and the auth
// helper's transcript (handshakes, failed logons).
//
// It holds tests only. The harness (squid, KDC, origin, the ferry process)
// lives in internal/testenv. Outside CI a test skips when squid, the KDC or
// curl is missing; with CI=true it fails instead.
package e2e
