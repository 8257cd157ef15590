package netwatch

import (
	"context"
	"hash/fnv"
	"net"
	"slices"
	"time"
)

// Poll compares the machine's interfaces and addresses every Interval (the
// relay's default source of network changes). Polling works the same on Linux,
// macOS and Windows and also notices a wake from sleep (the clock jumps).
type Poll struct {
	Interval time.Duration // default 3s
}

// Changes delivers a value after each change until ctx is done (the
// relay's ChangeSource).
func (p Poll) Changes(ctx context.Context) <-chan struct{} {
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
