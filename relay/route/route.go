package route

import (
	"context"
	"net"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/parent"
)

// Decision says how to reach a host: through these parents in order, or
// directly.
type Decision struct {
	// Direct: connect to the site itself, no parent.
	Direct bool
	// Parents are the parent proxies to try, in order.
	Parents []*parent.Upstream
	// FallbackDirect: go directly when none of Parents can be reached.
	FallbackDirect bool
}

// TryList is the order in which a request tries the parents of d
// (parent.TryList: those up first, as routed, then those down as a last
// resort), and why the first one left out is down.
func (d Decision) TryList() (try []*parent.Upstream, skipped *failure.Error) {
	return parent.TryList(d.Parents, d.FallbackDirect)
}

// Router decides per request: Static by no_proxy and the configured
// parents, PAC by a PAC script.
type Router interface {
	// Route decides for a request to hostport; rawURL is the URL a PAC
	// sees (https://host:port/ for a tunnel).
	Route(ctx context.Context, hostport, rawURL string) (Decision, error)
}

// Static sends no_proxy hosts direct and everything else to the parents,
// healthy ones first in configured order, then those in backoff as a last
// resort (a parent in backoff may be back already).
type Static struct {
	noProxy        *NoProxy
	parents        []*parent.Upstream
	directFallback bool
}

// NewStatic routes by noProxy (nil sends nothing direct) to parents; with
// directFallback, a request goes directly when no parent can be reached.
// Without parents, everything goes directly.
func NewStatic(noProxy *NoProxy, parents []*parent.Upstream, directFallback bool) *Static {
	return &Static{noProxy: noProxy, parents: parents, directFallback: directFallback}
}

// Route implements Router.
func (r *Static) Route(_ context.Context, hostport, _ string) (Decision, error) {
	if len(r.parents) == 0 || r.noProxy.Match(hostport) {
		return Decision{Direct: true}, nil
	}
	now := time.Now()
	order := make([]*parent.Upstream, 0, len(r.parents))
	var down []*parent.Upstream
	for _, u := range r.parents {
		if u.Healthy(now) {
			order = append(order, u)
		} else {
			down = append(down, u)
		}
	}
	return Decision{Parents: append(order, down...), FallbackDirect: r.directFallback}, nil
}

// TunnelURL is what a PAC sees for a tunnel (CONNECT hostport), as
// browsers pass it: https and the host, with the port only when it is not
// 443. The relay and ferry doctor both route a tunnel by it.
func TunnelURL(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	switch {
	case err != nil:
		return "https://" + hostport + "/"
	case port == "443" && strings.Contains(host, ":"):
		return "https://[" + host + "]/"
	case port == "443":
		return "https://" + host + "/"
	}
	return "https://" + net.JoinHostPort(host, port) + "/"
}
