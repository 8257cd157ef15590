package relay

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/report"
)

// via is this process's Via entry (RFC 9110 section 7.6.3) and the loop
// check it makes possible: every request and CONNECT ferry forwards says
// "1.1 ferry-<id>", and a request that comes back carrying the same id went
// round a loop (ferry's parent is ferry itself, or two ferries point at each
// other). Without it such a loop ran until max_connections: 4,096 dials in
// 5 s and every app got 503.
type via struct {
	name  string // "ferry-<id>": the received-by of the entry
	value string // "1.1 ferry-<id>"

	mu       sync.Mutex
	warned   time.Time // when the last loop was logged
	repeated int       // loops seen since, not logged
}

// loopWarnEvery bounds the log lines about loops: a loop repeats for every
// request of every app, and one line a minute says what is wrong.
const loopWarnEvery = time.Minute

// newVia picks the instance id: random per process, so that two ferries
// (on one machine or not) never share it, and kept across reloads (the
// Server keeps it), so that a reload does not hide a loop in progress.
func newVia() *via {
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24)
	name := "ferry-" + hex.EncodeToString(b[:])
	return &via{name: name, value: "1.1 " + name}
}

// seenIn reports whether h's Via fields hold this instance's entry. Each
// element is "protocol received-by [comment]"; only received-by is compared.
// A Server built without New (tests) has no via and sees no loops.
func (v *via) seenIn(h http.Header) bool {
	if v == nil {
		return false
	}
	for _, line := range h["Via"] {
		for _, elem := range strings.Split(line, ",") {
			f := strings.Fields(elem)
			if len(f) >= 2 && strings.EqualFold(f[1], v.name) {
				return true
			}
		}
	}
	return false
}

// shouldWarn reports whether this loop gets a log line, and how many loops
// went unlogged before it.
func (v *via) shouldWarn(now time.Time) (bool, int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.warned.IsZero() && now.Sub(v.warned) < loopWarnEvery {
		v.repeated++
		return false, 0
	}
	n := v.repeated
	v.warned, v.repeated = now, 0
	return true, n
}

// refuseLoop answers a request that already passed through this ferry with
// 508 Loop Detected (RFC 5842 section 7.2), at once: forwarding it again
// would only go round once more.
func (s *Server) refuseLoop(w http.ResponseWriter, r *http.Request) {
	if ok, repeated := s.via.shouldWarn(time.Now()); ok {
		s.log.Warn("proxy loop: a request came back to ferry after ferry had forwarded it; answering 508 Loop Detected",
			"url", redactURL(r), "via", strings.Join(r.Header["Via"], ", "), "instance", s.via.name,
			"not_logged_since_last", repeated,
			"fix", "a parent proxy (or the PAC) names ferry itself, or a parent ferry points back at this one: check parents and pac")
	}
	// No Fix of its own: the catalogue's steps (internal/msg) say it all.
	report.WriteError(w, r, &failure.Error{Cause: failure.ProxyLoop,
		What: "the request came back to ferry (" + s.via.name + ") after ferry had forwarded it: it went round a loop of proxies"})
}
