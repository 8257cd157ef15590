package parent

import (
	"net/http"
	"slices"

	"github.com/ferryproxy/ferry/auth"
)

// refusedWith401 reports whether a 401 is the parent refusing ferry's
// credentials rather than a site asking for its own login. tinyproxy answers
// wrong proxy credentials with 401 and WWW-Authenticate repeating its 407's
// challenge (same scheme and realm). Only a 401 to the very leg that
// answered this trip's 407 counts: a site's 401 on an established session,
// or one with another realm, goes to the app as it is.
func (tr *trip) refusedWith401(resp *http.Response) bool {
	if tr.st == nil || !tr.st.sent || !tr.challenged {
		return false
	}
	name := tr.st.scheme.Name()
	i := slices.IndexFunc(tr.asked, func(c auth.Challenge) bool { return c.Scheme == name })
	if i < 0 {
		return false
	}
	realm := tr.asked[i].Params["realm"]
	if realm == "" {
		// Without a realm (NTLM, Negotiate) nothing tells the parent's
		// challenge from an intranet site's own NTLM login; those parents
		// refuse with 407 anyway.
		return false
	}
	for _, c := range auth.ParseChallenges(resp.Header.Values("WWW-Authenticate")) {
		if c.Scheme == name && c.Params["realm"] == realm {
			return true
		}
	}
	return false
}
