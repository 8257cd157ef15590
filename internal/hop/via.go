package hop

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Via is this process's Via entry (RFC 9110 section 7.6.3) and the loop
// check it makes possible: every request and CONNECT ferry forwards says
// "1.1 ferry-<id>", and a request that comes back carrying the same id went
// round a loop (ferry's parent is ferry itself, or two ferries point at each
// other). Without it such a loop ran until max_connections: 4,096 dials in
// 5 s and every app got 503.
type Via struct {
	Name  string // "ferry-<id>": the received-by of the entry
	Value string // "1.1 ferry-<id>", what ferry adds to Via

	mu       sync.Mutex
	warned   time.Time // when the last loop was logged
	repeated int       // loops seen since, not logged
}

// loopWarnEvery bounds the log lines about loops: a loop repeats for every
// request of every app, and one line a minute says what is wrong.
const loopWarnEvery = time.Minute

// NewVia picks the instance id: random per process, so that two ferries
// (on one machine or not) never share it, and kept across reloads (the
// relay's Server keeps it), so that a reload does not hide a loop in progress.
func NewVia() *Via {
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24)
	name := "ferry-" + hex.EncodeToString(b[:])
	return &Via{Name: name, Value: "1.1 " + name}
}

// SeenIn reports whether h's Via fields hold this instance's entry. Each
// element is "protocol received-by [comment]"; only received-by is compared.
// A nil Via (a relay Server built without New, in tests) sees no loops.
func (v *Via) SeenIn(h http.Header) bool {
	if v == nil {
		return false
	}
	for _, line := range h["Via"] {
		for _, elem := range strings.Split(line, ",") {
			f := strings.Fields(elem)
			if len(f) >= 2 && strings.EqualFold(f[1], v.Name) {
				return true
			}
		}
	}
	return false
}

// ShouldWarn reports whether this loop gets a log line, and how many loops
// went unlogged before it.
func (v *Via) ShouldWarn(now time.Time) (bool, int) {
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
