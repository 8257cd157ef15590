// Package e2e runs the ferry binary between real clients (Go's net/http and
// curl) and real parent proxies (squid with Basic, Digest, NTLM and
// Negotiate against an MIT KDC), all on loopback, and checks what each side
// saw: the origin's view of the request, squid's access log and the auth
// helper's transcript (handshakes, failed logons).
//
// It holds tests only. The harness (squid, KDC, origin, the ferry process)
// lives in internal/testenv. Outside CI a test skips when squid, the KDC or
// curl is missing; with CI=true it fails instead.
//
// With FERRY_E2E_WINE_EXE naming a Windows ferry.exe (and WINEPREFIX a Wine
// prefix that runs it), the tests run that ferry.exe under Wine instead of
// building ferry: packaging/wine-check.sh does so with the tests in
// portable_test.go and a few others that need no Unix signals.
package e2e
