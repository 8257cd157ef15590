package testenv

import (
	"regexp"
	"strings"
)

var proxyStatusVerdict = regexp.MustCompile(`;\s*verdict=([a-z_]+)\s*$`)

// Verdict reads ferry's verdict from the Proxy-Status header of an answer
// ferry made (its "verdict" extension parameter, which writeErrorPage adds
// to RFC 9209's error type and details), or "" for a header ferry did not
// write, as tests see the answer from the outside. ferry writes the
// parameter last, after details, whose text may hold anything.
func Verdict(proxyStatus string) string {
	if !strings.HasPrefix(proxyStatus, "ferry") {
		return ""
	}
	if m := proxyStatusVerdict.FindStringSubmatch(proxyStatus); m != nil {
		return m[1]
	}
	return ""
}
