package parent

import (
	"context"
	"net"
	"time"

	"github.com/ferryproxy/ferry/relay/failure"
)

// This file is the pool: an Upstream's idle connections to its parent
// (Upstream.idle, most recently used last, at most Config.MaxIdle), taken
// by get, given back by Put, dropped by CloseIdle.

// get hands out an idle pooled connection, or dials a new one.
//
// A connection back in the pool for less than freshIdle skips the liveness
// check (a syscall per request) when the request can be sent again: parents
// keep idle connections for seconds to minutes, and the stale-connection
// retry covers the rare one closed in between. With look set (a retry after
// a stale one) every connection is checked: a parent that closed one
// unseen may have closed them all at once (a restart, its idle timeout
// meeting connections opened together), and the retries would otherwise
// meet one dead connection after another until they ran out. A request that cannot be
// sent again gets no connection idle for longer than that: the check only
// sees a close that has happened, and a parent closing an idle connection
// (squid does so late, at its next timer tick) can race the request, which
// would then be lost.
func (u *Upstream) get(ctx context.Context, resendable, look bool) (*Conn, error) {
	now := time.Now()
	for {
		u.mu.Lock()
		n := len(u.idle)
		// The newest is the least idle: if it is too idle, all are.
		if n == 0 || (!resendable && (u.dropsIdle.Load() || now.Sub(u.idle[n-1].idleSince) >= freshIdle)) {
			u.mu.Unlock()
			break
		}
		c := u.idle[n-1]
		u.idle[n-1] = nil
		u.idle = u.idle[:n-1]
		u.mu.Unlock()
		idle := now.Sub(c.idleSince)
		if idle > u.cfg.IdleTimeout || !c.alive(resendable && idle < freshIdle && !look) {
			if idle < freshIdle {
				u.learnDropsIdle()
			}
			c.Close()
			continue
		}
		c.reused = true
		c.idleAtReuse = idle
		return c, nil
	}
	// A new connection is wanted: a spare made ready before takes its
	// place, and another is made for the next one. A request that cannot
	// be sent again takes no spare, for the same reason it takes no
	// connection long idle.
	u.noteDemand(now)
	var spare *Conn
	if resendable {
		spare = u.takeSpare(now)
	}
	u.fillSpares()
	if spare != nil {
		return spare, nil
	}
	return u.dial(ctx)
}

const freshIdle = time.Second

// learnDropsIdle records that the parent closes connections at once after
// answering (a pooled connection found closed within freshIdle).
func (u *Upstream) learnDropsIdle() {
	if !u.dropsIdle.Swap(true) {
		u.cfg.Log.Debug("parent proxy closes its connections after each response: uploads get a connection of their own", "parent", u.addr)
	}
}

func (u *Upstream) dial(ctx context.Context) (*Conn, error) {
	u.dials.Add(1)
	nc, err := u.dialer.DialContext(ctx, "tcp", u.addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &failure.Error{Cause: failure.ClientGone, Peer: u.addr, What: "the app went away", Err: ctx.Err()}
		}
		return nil, failure.Dial(err, u.addr, true)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetKeepAlive(true)
	}
	return newUpConn(nc), nil
}

// Put gives a connection back to the pool once its response was read to
// the end, or closes it (broken, the pool full, or the Upstream retired).
func (u *Upstream) Put(c *Conn) {
	if c.broken || u.retired.Load() {
		c.Close()
		return
	}
	c.idleSince = time.Now()
	u.mu.Lock()
	if len(u.idle) >= u.cfg.MaxIdle {
		u.mu.Unlock()
		c.Close()
		return
	}
	u.idle = append(u.idle, c)
	u.mu.Unlock()
}

// CloseIdle closes pooled connections idle for longer than d (all of them
// when d is zero), and spares that aged (all of them when d is zero).
func (u *Upstream) CloseIdle(d time.Duration) {
	defer u.tendSpares(d == 0)
	now := time.Now()
	u.mu.Lock()
	keep := u.idle[:0]
	var drop []*Conn
	for _, c := range u.idle {
		if d == 0 || now.Sub(c.idleSince) > d {
			drop = append(drop, c)
		} else {
			keep = append(keep, c)
		}
	}
	clear(u.idle[len(keep):])
	u.idle = keep
	u.mu.Unlock()
	for _, c := range drop {
		c.Close()
	}
}
