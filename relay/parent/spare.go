package parent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay/failure"
)

// Spare parent connections (issue 16). A CONNECT takes its parent
// connection for good, so without spares every new tunnel pays a TCP
// handshake to the parent and, for NTLM, the type 1 leg as well: at 20 ms
// one-way that is 6 one-way trips (120 ms) where an app talking straight to
// an open parent needs 4 (80 ms). A spare is a connection made ready before
// an app asks, as far into the logon as the scheme allows:
//
//   - NTLM: dialed, and its type 1 leg done (a CONNECT carrying the negotiate
//     message, which squid answers with the 407 and its type 2 challenge
//     without contacting any site). The app's CONNECT then carries the
//     type 3 and is answered 200 in one round trip. No logon happens until
//     then: a spare that is never used costs the parent a connection and a
//     challenge, not a logon (one NTLM logon per tunnel, as without spares).
//   - Negotiate, Basic, Digest, and parents that want no credentials: dialed
//     only, since their header already goes with the first request.
//
// How many: as many as new connections were wanted (a request found the
// pool empty) in the last spareWindow, at least one while there was such a
// request in the last spareIdleStop, at most Config.Spares; none for a
// parent that is down or while the credentials rest. The janitor's sweep
// (CloseIdle) replaces spares that have aged and drops them all once
// demand has stopped.

const (
	// spareWindow is how far back the recent rate of new connections is
	// counted.
	spareWindow = 10 * time.Second
	// spareIdleStop: no spares after this long without a new connection.
	spareIdleStop = 3 * time.Minute
	// challengeHold is how long an NTLM spare holds its challenge before
	// it is closed, and how recent a new connection must be for NTLM spares
	// to be made at all (dialed ones otherwise). Short, because each
	// outstanding challenge pins one of squid's NTLM helper processes to
	// the connection until the type 3 or the close (measured here with
	// squid 5.7, see docs/performance.md: with its 5 helpers reserved so, a
	// sixth client's type 1 waited 2 minutes, until squid's
	// client_idle_pconn_timeout closed two of the connections; squid's
	// reservation-timeout is off by default, and squid 5.7 ignores it in
	// auth_param: see forgotChallenge). squid itself took the type 3
	// for a challenge 60 and 110 s old and closed the idle connection at
	// 120 s: the hold is far inside that, not what bounds it.
	challengeHold = 5 * time.Second
	// dialedMaxAge is how long a spare that sent nothing is kept: Apache
	// (mod_reqtimeout's default header=20-40) closes a connection that sends
	// no request within 20 s. With the janitor's 5 s sweep, at most 15 s.
	dialedMaxAge = 10 * time.Second
)

// spares are an Upstream's connections made ready before an app asks.
type spares struct {
	mu      sync.Mutex
	ready   []*Conn     // oldest first
	making  int         // being made now
	demand  []time.Time // the latest times a request found the pool empty, oldest first
	stopped bool        // retired: make no more
	ctx     context.Context
	cancel  context.CancelFunc

	// leg is what a spare's NTLM type 1 leg asks for: the latest CONNECT's
	// target, configured headers and Via (a parent may refuse a request
	// before the logon on those, as squid's SSL_ports rule does).
	leg  atomic.Pointer[spareLeg]
	used atomic.Int64 // spares handed to a request
	lost atomic.Int64 // spares whose challenge the parent forgot (challengeLost)
	// logons counts the trips in a multi-leg logon (NTLM from its type 1)
	// now: an NTLM spare waits for them before its own type 1.
	logons atomic.Int32
}

type spareLeg struct {
	target string
	extra  http.Header
	via    string
}

// pendingLogon is the NTLM exchange a spare is in the middle of: the
// parent's type 2 challenge, for the first request on the connection to
// answer with the type 3.
type pendingLogon struct {
	st *sessionState
	ch auth.Challenge
	// expiry closes the spare after challengeHold if no request took it,
	// which frees the parent's helper at once rather than at the next
	// janitor sweep.
	expiry *time.Timer
}

// maxAge is how long a spare is kept ready.
func (p *pendingLogon) maxAge() time.Duration {
	if p != nil {
		return challengeHold
	}
	return dialedMaxAge
}

// noteSpareLeg remembers a CONNECT's target for the type 1 legs of spares.
func (u *Upstream) noteSpareLeg(o *Request) {
	if u.cfg.Spares <= 0 || o.method != http.MethodConnect {
		return
	}
	if l := u.spare.leg.Load(); l != nil && l.target == o.target && l.via == o.via {
		return
	}
	u.spare.leg.Store(&spareLeg{target: o.target, extra: o.extra, via: o.via})
}

// noteDemand records that a request found the pool empty and needs a new
// connection, and has spares made to follow the demand.
func (u *Upstream) noteDemand(now time.Time) {
	if u.cfg.Spares <= 0 {
		return
	}
	sp := &u.spare
	sp.mu.Lock()
	// Only the latest maxSpares matter: the target is at most that many.
	if len(sp.demand) >= u.cfg.Spares {
		sp.demand = append(sp.demand[:0], sp.demand[1:]...)
	}
	sp.demand = append(sp.demand, now)
	sp.mu.Unlock()
}

// takeSpare hands out the freshest spare that is still usable, or nil. A
// spare the parent closed (or sent anything on) is never used: each is
// checked with a non-blocking peek, however fresh.
func (u *Upstream) takeSpare(now time.Time) *Conn {
	sp := &u.spare
	for {
		sp.mu.Lock()
		n := len(sp.ready)
		if n == 0 {
			sp.mu.Unlock()
			return nil
		}
		c := sp.ready[n-1]
		sp.ready[n-1] = nil
		sp.ready = sp.ready[:n-1]
		sp.mu.Unlock()
		if c.pending != nil {
			c.pending.expiry.Stop()
		}
		idle := now.Sub(c.idleSince)
		if idle > c.pending.maxAge() || !c.alive(false) {
			c.Close()
			continue
		}
		sp.used.Add(1)
		// A close before the first answer on it is then a stale pooled
		// connection, which the request survives on another. It says
		// nothing about closes right after a response (learnDropsIdle).
		c.reused = true
		c.idleAtReuse = max(idle, freshIdle)
		// The parent never answered a request on it (an NTLM spare's
		// 407 was answered ahead of any): a parent that went silent
		// since is found so after timeouts.connect, as on a fresh
		// connection, not after timeouts.response_header.
		c.spareFirst = true
		return c
	}
}

// spareTarget is how many spares u should have now.
func (u *Upstream) spareTarget(now time.Time) int {
	limit := u.cfg.Spares
	if limit <= 0 || u.retired.Load() || !u.answeredUp() || u.resting() != nil {
		return 0
	}
	sp := &u.spare
	sp.mu.Lock()
	defer sp.mu.Unlock()
	n := len(sp.demand)
	if n == 0 || now.Sub(sp.demand[n-1]) > spareIdleStop {
		return 0
	}
	recent := 0
	for _, t := range sp.demand {
		if now.Sub(t) <= spareWindow {
			recent++
		}
	}
	return min(max(recent, 1), limit)
}

// fillSpares starts making spares up to the target.
func (u *Upstream) fillSpares() {
	want := u.spareTarget(time.Now())
	sp := &u.spare
	sp.mu.Lock()
	n := want - len(sp.ready) - sp.making
	if sp.stopped || n <= 0 {
		sp.mu.Unlock()
		return
	}
	if sp.ctx == nil {
		sp.ctx, sp.cancel = context.WithCancel(context.Background())
	}
	sp.making += n
	ctx := sp.ctx
	sp.mu.Unlock()
	for range n {
		go u.makeSpare(ctx)
	}
}

// makeSpare makes one spare ready and adds it to the ready ones. A failure
// is not retried: the next request that finds the pool empty tries again,
// and a parent that is really down is found so by requests and probes.
func (u *Upstream) makeSpare(ctx context.Context) {
	c, err := u.readySpare(ctx)
	sp := &u.spare
	sp.mu.Lock()
	sp.making--
	keep := err == nil && !sp.stopped
	if keep {
		c.idleSince = time.Now()
		sp.ready = append(sp.ready, c)
		if c.pending != nil {
			c.pending.expiry = time.AfterFunc(challengeHold, func() { u.expireSpare(c) })
		}
	}
	sp.mu.Unlock()
	if err != nil {
		u.cfg.Log.Debug("no spare connection", "parent", u.addr, "err", err)
	} else if !keep {
		c.Close()
	}
}

// readySpare dials a spare and, for NTLM once a logon has succeeded here,
// does its type 1 leg.
func (u *Upstream) readySpare(ctx context.Context) (*Conn, error) {
	c, err := u.dial(ctx)
	if err != nil {
		return nil, err
	}
	s, _, noAuth := u.preferred()
	leg := u.spare.leg.Load()
	if s == nil || noAuth || s.Name() != auth.SchemeNTLM || !u.verified.Load() || u.perRequest.Load() || leg == nil ||
		time.Since(u.lastDemand()) > challengeHold {
		return c, nil
	}
	u.awaitLogons(ctx, challengeHold)
	if err := u.challengeSpare(ctx, c, s, leg); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// awaitLogons waits, at most d, until no request of u is in the middle of
// an NTLM logon. Each outstanding challenge pins one of squid's NTLM helpers
// (see challengeHold): a burst of new tunnels larger than the spares makes
// full logons while the used spares are replaced, and spares that took
// their challenges first made those logons queue for helpers (at 20 ms
// one-way, bursts of 8, a squid with 5 helpers: p90 269 ms against 188 ms
// without spares). The spare is dialed meanwhile; polling every 5 ms costs
// nothing next to a 2D round trip.
func (u *Upstream) awaitLogons(ctx context.Context, d time.Duration) {
	for deadline := time.Now().Add(d); u.spare.logons.Load() > 0 && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (tr *trip) beginLogon() {
	if !tr.inLogon {
		tr.inLogon = true
		tr.u.spare.logons.Add(1)
	}
}

func (tr *trip) endLogon() {
	if tr.inLogon {
		tr.inLogon = false
		tr.u.spare.logons.Add(-1)
	}
}

// challengeSpare sends NTLM's type 1 leg on c and keeps the challenge the
// parent answers with for the request that takes c.
func (u *Upstream) challengeSpare(ctx context.Context, c *Conn, s auth.Scheme, leg *spareLeg) error {
	sess, err := s.NewSession(u.host)
	if err != nil {
		return err
	}
	step, err := sess.Step(auth.Target{Proxy: u.host, Method: http.MethodConnect, URI: leg.target, Conn: &c.auth}, nil)
	if err != nil {
		return err
	}
	o := NewConnect(leg.target, "", leg.extra, leg.via)
	err = o.writeHead(c.bw, step.Header, false)
	if err == nil {
		err = c.bw.Flush()
	}
	if err != nil {
		return err
	}
	resp, err := u.readResponse(ctx, c, http.MethodConnect)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusProxyAuthRequired {
		// A 200 would be a tunnel to the site, which nobody asked for: the
		// caller closes it at once.
		resp.Body.Close()
		return fmt.Errorf("parent answered a spare's type 1 leg with %s", resp.Status)
	}
	if !drain(c, resp, u.cfg.ResponseHeaderTimeout) {
		return errors.New("parent closed the spare connection after its 407")
	}
	for _, ch := range auth.ParseChallenges(resp.Header.Values("Proxy-Authenticate")) {
		if ch.Scheme == auth.SchemeNTLM && ch.Token != "" {
			c.pending = &pendingLogon{st: &sessionState{scheme: s, session: sess, challenged: true}, ch: ch}
			return nil
		}
	}
	return errors.New("parent answered a spare's type 1 leg without an NTLM challenge")
}

// tendSpares drops spares that aged (all of them when all is set, or when
// none are wanted now) and makes new ones up to the target.
func (u *Upstream) tendSpares(all bool) {
	now := time.Now()
	want := 0
	if !all {
		want = u.spareTarget(now)
	}
	sp := &u.spare
	sp.mu.Lock()
	drop := sp.removeLocked(func(c *Conn) bool { return want == 0 || now.Sub(c.idleSince) > c.pending.maxAge() })
	if u.retired.Load() && !sp.stopped {
		sp.stopped = true
		if sp.cancel != nil {
			sp.cancel()
		}
	}
	sp.mu.Unlock()
	closeSpares(drop)
	if want > 0 {
		u.fillSpares()
	}
}

// answeredUp reports whether the parent answered before and is not down
// now: a parent never heard from gets no connections ahead of requests.
func (u *Upstream) answeredUp() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.h.answered && !u.h.down
}

// lastDemand is when a request last found the pool empty.
func (u *Upstream) lastDemand() time.Time {
	sp := &u.spare
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if n := len(sp.demand); n > 0 {
		return sp.demand[n-1]
	}
	return time.Time{}
}

// expireSpare closes an NTLM spare that held its challenge for
// challengeHold unused, and makes another (a dialed one, unless new
// connections are still wanted now).
func (u *Upstream) expireSpare(c *Conn) {
	sp := &u.spare
	sp.mu.Lock()
	i := slices.Index(sp.ready, c)
	if i >= 0 {
		sp.ready = slices.Delete(sp.ready, i, i+1)
	}
	sp.mu.Unlock()
	if i < 0 {
		return // taken, or dropped
	}
	c.Close()
	u.fillSpares()
}

// spareCount is the number of spares ready now.
func (u *Upstream) spareCount() int {
	sp := &u.spare
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return len(sp.ready)
}

// resume starts a trip on a spare: its first leg answers the challenge the
// spare got ahead of the request.
func (tr *trip) resume(p *pendingLogon) (string, bool, error) {
	tr.st = p.st
	tr.t.Conn = &tr.c.auth
	tr.challenged = true
	tr.spareLeg = true
	st, err := p.st.session.Step(tr.t, &p.ch)
	if err != nil {
		return "", false, tr.authError(p.st.scheme, err)
	}
	return st.Header, st.Final, nil
}

// spareLimit reads Config.Spares: zero is the default, negative none.
func spareLimit(n int) int {
	if n == 0 {
		return DefaultSpares
	}
	return max(n, 0)
}

// A parent may forget the challenge a spare holds before ferry answers it.
// squid does when it restarts its NTLM helpers (squid -k reconfigure, a
// helper that crashed) and, where reservation-timeout works, when another
// client takes the helper reserved for it. Measured with squid 5.7 and
// Samba's ntlm_auth (e2e TestSpareChallengeForgotten, docs/performance.md):
//
//   - challenge forgotten: squid hands the type 3 to a fresh helper as a
//     new handshake ("Unexpected change of authentication scheme" in its
//     cache.log), which refuses it before any password check ("got NTLMSSP
//     command 3, expected 1": NA NT_STATUS_INVALID_PARAMETER, nothing asked
//     of winbindd); squid answers 407 with a bare "NTLM" and closes the
//     connection.
//   - wrong password, challenge kept: NA NT_STATUS_LOGON_FAILURE, a failed
//     logon at the domain; 407 with a bare "NTLM", connection kept.
//
// So, from squid (its X-Squid-Error header on the 407), the close tells
// them apart. A spare exists only where the parent kept the connection
// after its 407 to the type 1 (challengeSpare drains it), so a parent that
// closes on every 407 has no NTLM spares for this to misjudge. The trip
// logs on again once, on a connection that holds no challenge from before;
// if the password is wrong, that logon is the one failed logon, and it
// rests the credentials as any other. Only squid's answers were measured:
// another parent might close the connection on a real refusal too, and
// taking that for a forgotten challenge would cost a second failed logon,
// so a 407 without squid's header is a refusal, as before spares: at worst
// a good password rests after that parent forgot a challenge, which costs
// no failed logon (TestSpareForgottenChallenges).

// lostChallengeError: the parent answered a spare's type 3 as having
// forgotten the challenge the spare held; no logon took place.
type lostChallengeError struct{ parent string }

func (e *lostChallengeError) Error() string {
	return "parent proxy " + e.parent + " forgot the NTLM challenge of a spare connection"
}

// failure is the app's error when ferry could not log on again: no
// password was refused.
func (e *lostChallengeError) failure() *failure.Error {
	return &failure.Error{Cause: failure.ParentError, Peer: e.parent, Err: e,
		What: "parent proxy " + e.parent + " forgot the NTLM challenge of the connection ferry had made ready, and the request could not be sent again",
		Fix:  "try again; the parent did not refuse ferry's credentials, and they are not rested"}
}

// forgotChallenge reports whether the 407 to a spare's type 3 (offering
// offered, closing the connection when closed, from squid when squid) says
// that the parent forgot the spare's challenge rather than refused the
// password.
func (tr *trip) forgotChallenge(closed, squid bool, offered []auth.Challenge) bool {
	return tr.spareLeg && closed && squid && tr.st != nil && tr.st.scheme.Name() == auth.SchemeNTLM &&
		slices.ContainsFunc(offered, func(c auth.Challenge) bool { return c.Scheme == auth.SchemeNTLM })
}

// challengeLost drops the NTLM spares ready now, which hold challenges
// from before the parent forgot one (a restart of its helpers forgets them
// all), and has logons take turns again until one succeeds (lock): N apps
// whose spares all failed so log on once first, not N times at once.
func (u *Upstream) challengeLost() {
	u.spare.lost.Add(1)
	if u.verified.Swap(false) {
		u.cfg.Log.Info("parent proxy forgot the NTLM challenge of a spare connection (it closed the connection on the logon without checking it); logging on again on a new connection",
			"parent", u.addr)
	}
	sp := &u.spare
	sp.mu.Lock()
	drop := sp.removeLocked(func(c *Conn) bool { return c.pending != nil })
	sp.mu.Unlock()
	closeSpares(drop)
}

// removeLocked takes the ready spares for which drop is true out of the
// ready ones (sp.mu held) and returns them, for closeSpares.
func (sp *spares) removeLocked(drop func(*Conn) bool) []*Conn {
	var out []*Conn
	keep := sp.ready[:0]
	for _, c := range sp.ready {
		if drop(c) {
			out = append(out, c)
		} else {
			keep = append(keep, c)
		}
	}
	clear(sp.ready[len(keep):])
	sp.ready = keep
	return out
}

// closeSpares closes spares taken out of the ready ones.
func closeSpares(cs []*Conn) {
	for _, c := range cs {
		if c.pending != nil {
			c.pending.expiry.Stop()
		}
		c.Close()
	}
}
