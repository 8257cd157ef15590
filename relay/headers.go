package relay

import (
	"net/http"
	"net/textproto"
	"slices"
	"strings"
)

// hopHeaders are hop-by-hop (RFC 9110 section 7.6.1), plus the proxy
// headers that belong to the app's hop only. Proxy-Authorization is the app's
// own credential for ferry: it must never reach the parent or the origin.
var hopHeaders = []string{
	"Connection",
	"Proxy-Connection",
	"Keep-Alive",
	"Proxy-Authenticate",
	"Proxy-Authorization",
	"Te",
	"Trailer",
	"Transfer-Encoding",
	"Upgrade",
}

// removeHopHeaders deletes hop-by-hop headers from h, including those the
// Connection header names. It reports the Upgrade protocol if the sender
// asked for one, so the caller can carry it on explicitly.
func removeHopHeaders(h http.Header) (upgrade string) {
	upgrade, listed := hopInfo(h)
	for _, name := range listed {
		delete(h, name)
	}
	for _, name := range hopHeaders {
		delete(h, name)
	}
	return upgrade
}

// hopInfo reads the Connection header: the Upgrade protocol if the sender
// asked for one, and the (canonical) names it lists as hop-by-hop.
func hopInfo(h http.Header) (upgrade string, listed []string) {
	for _, v := range h["Connection"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = textproto.TrimString(name); name != "" {
				listed = append(listed, textproto.CanonicalMIMEHeaderKey(name))
			}
		}
	}
	if slices.Contains(listed, "Upgrade") {
		upgrade = h.Get("Upgrade")
	}
	return upgrade, listed
}

// isHopHeader reports whether a canonical header name is in hopHeaders.
func isHopHeader(name string) bool { return slices.Contains(hopHeaders, name) }

// copyEndToEnd sets in dst the headers of src that are not hop-by-hop. The
// value slices are shared, not copied: src must not be used after.
func copyEndToEnd(dst, src http.Header) {
	_, listed := hopInfo(src)
	for k, vv := range src {
		if !isHopHeader(k) && !slices.Contains(listed, k) {
			dst[k] = vv
		}
	}
}

// headerHasToken reports whether a comma-separated header contains token,
// case-insensitively.
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h[textproto.CanonicalMIMEHeaderKey(name)] {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(textproto.TrimString(t), token) {
				return true
			}
		}
	}
	return false
}
