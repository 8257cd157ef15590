package relay

import (
	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/parent"
)

// tryList is the order in which a request tries the parents of d
// (parent.TryList: those up first, as routed, then those down as a last
// resort), and why the first one left out is down.
func (d Decision) tryList() (try []*Upstream, skipped *failure.Error) {
	return parent.TryList(d.Parents, d.FallbackDirect)
}
