package relay

import (
	"context"
)

// ChangeSource tells the relay that the network changed (VPN up or down,
// another Wi-Fi, wake from sleep): pooled connections may lead nowhere now,
// a parent in backoff may be reachable, a PAC may answer differently.
type ChangeSource interface {
	// Changes delivers a value after each change until ctx is done.
	Changes(ctx context.Context) <-chan struct{}
}

// watchNetwork applies network changes until ctx is done.
func (s *Server) watchNetwork(ctx context.Context, src ChangeSource) {
	ch := src.Changes(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ch:
			if !ok {
				return
			}
			s.NetworkChanged()
		}
	}
}

// NetworkChanged closes idle pooled connections, forgets parents' backoff
// and lets the router refresh (a PAC is fetched again).
func (s *Server) NetworkChanged() {
	g := s.gen.Load()
	s.log.Info("network changed: closing idle parent connections and retrying parents")
	for _, u := range g.allUpstreams() {
		u.CloseIdle(0)
		u.ResetBackoff()
	}
	if r, ok := g.router.(interface{ NetworkChanged() }); ok {
		r.NetworkChanged()
	}
	g.direct.CloseIdleConnections()
}
