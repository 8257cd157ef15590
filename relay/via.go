package relay

import (
	"net/http"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/report"
)

// refuseLoop answers a request that already passed through this ferry with
// 508 Loop Detected (RFC 5842 section 7.2), at once: forwarding it again
// would only go round once more.
func (s *Server) refuseLoop(w http.ResponseWriter, r *http.Request) {
	if ok, repeated := s.via.ShouldWarn(time.Now()); ok {
		s.log.Warn("proxy loop: a request came back to ferry after ferry had forwarded it; answering 508 Loop Detected",
			"url", redactURL(r), "via", strings.Join(r.Header["Via"], ", "), "instance", s.via.Name,
			"not_logged_since_last", repeated,
			"fix", "a parent proxy (or the PAC) names ferry itself, or a parent ferry points back at this one: check parents and pac")
	}
	// No Fix of its own: the catalogue's steps (internal/msg) say it all.
	report.WriteError(w, r, &failure.Error{Cause: failure.ProxyLoop,
		What: "the request came back to ferry (" + s.via.Name + ") after ferry had forwarded it: it went round a loop of proxies"})
}
