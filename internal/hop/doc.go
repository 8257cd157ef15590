// Package hop knows which HTTP header fields belong to one hop (RFC 9110
// section 7.6.1) and must not be forwarded, and reads comma-separated
// tokens from fields such as Connection. Via (via.go) is ferry's own entry
// in the Via field and the proxy-loop check it makes possible.
package hop
