package relay

import (
	"net/http"
	"net/textproto"
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
	if headerHasToken(h, "Connection", "upgrade") {
		upgrade = h.Get("Upgrade")
	}
	for _, v := range h["Connection"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = textproto.TrimString(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopHeaders {
		h.Del(name)
	}
	return upgrade
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

// copyHeader adds src's values to dst.
func copyHeader(dst, src http.Header) {
	for k, vv := range src {
		dst[k] = append(dst[k], vv...)
	}
}
