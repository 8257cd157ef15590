package relay

import (
	"context"
	"hash/fnv"
	"net"
	"slices"
	"time"
)

// ChangeSource tells the relay that the network changed (VPN up or down,
// another Wi-Fi, wake from sleep): pooled connections may lead nowhere now,
// a parent in backoff may be reachable, a PAC may answer differently.
type ChangeSource interface {
	// Changes delivers a value after each change until ctx is done.
	Changes(ctx context.Context) <-chan struct{}
}

// PollInterfaces is the default ChangeSource: it compares the machine's
// interfaces and addresses every Interval. Polling works the same on Linux,
// macOS and Windows and also notices a wake from sleep (the clock jumps).
type PollInterfaces struct {
	Interval time.Duration // default 3s
}

// Changes implements ChangeSource.
func (p PollInterfaces) Changes(ctx context.Context) <-chan struct{} {
	every := p.Interval
	if every <= 0 {
		every = 3 * time.Second
	}
	out := make(chan struct{}, 1)
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		last, _ := interfaceFingerprint()
		lastTick := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				fp, ok := interfaceFingerprint()
				// A tick far later than asked means the machine slept.
				slept := now.Sub(lastTick) > 3*every
				lastTick = now
				if !ok && !slept {
					// Out of descriptors, say: unknown is not a change, and
					// flushing the pool then would only make things worse.
					continue
				}
				if fp == last && !slept {
					continue
				}
				last = fp
				select {
				case out <- struct{}{}:
				default:
				}
			}
		}
	}()
	return out
}

// interfaceFingerprint hashes the up interfaces and their addresses; ok is
// false when they could not be read.
func interfaceFingerprint() (fp uint64, ok bool) {
	h := fnv.New64a()
	ifs, err := net.Interfaces()
	if err != nil {
		return 0, false
	}
	var lines []string
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			return 0, false
		}
		for _, a := range addrs {
			lines = append(lines, ifc.Name+" "+a.String())
		}
	}
	slices.Sort(lines)
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{0})
	}
	return h.Sum64(), true
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
