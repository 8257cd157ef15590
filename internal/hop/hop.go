package hop

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

// Remove deletes hop-by-hop headers from h, including those the
// Connection header names. It reports the Upgrade protocol if the sender
// asked for one, so the caller can carry it on explicitly.
func Remove(h http.Header) (upgrade string) {
	upgrade, listed := Info(h)
	for _, name := range listed {
		delete(h, name)
	}
	for _, name := range hopHeaders {
		delete(h, name)
	}
	return upgrade
}

// Info reads the Connection header: the Upgrade protocol if the sender
// asked for one, and the (canonical) names it lists as hop-by-hop.
func Info(h http.Header) (upgrade string, listed []string) {
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

// Is reports whether a canonical header name is in hopHeaders.
func Is(name string) bool { return slices.Contains(hopHeaders, name) }

// CopyEndToEnd sets in dst the headers of src that are not hop-by-hop. The
// value slices are shared, not copied: src must not be used after.
func CopyEndToEnd(dst, src http.Header) {
	_, listed := Info(src)
	for k, vv := range src {
		if !Is(k) && !slices.Contains(listed, k) {
			dst[k] = vv
		}
	}
}

// HasToken reports whether a comma-separated header contains token,
// case-insensitively.
func HasToken(h http.Header, name, token string) bool {
	for _, v := range h[textproto.CanonicalMIMEHeaderKey(name)] {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(textproto.TrimString(t), token) {
				return true
			}
		}
	}
	return false
}
