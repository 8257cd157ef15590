package relay

import (
	"context"
	"time"
)

// Decision says how to reach a host: through these parents in order, or
// directly.
type Decision struct {
	Direct  bool
	Parents []*Upstream
	// FallbackDirect: go directly when none of Parents can be reached.
	FallbackDirect bool
}

// Router decides per request. The static router below uses no_proxy and
// the configured parents; a PAC router will return proxies of its own.
type Router interface {
	// Route decides for a request to hostport; rawURL is the URL a PAC
	// sees (https://host:port/ for a tunnel).
	Route(ctx context.Context, hostport, rawURL string) (Decision, error)
}

// staticRouter sends no_proxy hosts direct and everything else to the
// parents, healthy ones first in configured order, then those in backoff as
// a last resort (a parent in backoff may be back already).
type staticRouter struct {
	noProxy        *NoProxy
	parents        []*Upstream
	directFallback bool
}

func (r *staticRouter) Route(_ context.Context, hostport, _ string) (Decision, error) {
	if len(r.parents) == 0 || r.noProxy.Match(hostport) {
		return Decision{Direct: true}, nil
	}
	now := time.Now()
	order := make([]*Upstream, 0, len(r.parents))
	var down []*Upstream
	for _, u := range r.parents {
		if u.Healthy(now) {
			order = append(order, u)
		} else {
			down = append(down, u)
		}
	}
	return Decision{Parents: append(order, down...), FallbackDirect: r.directFallback}, nil
}
