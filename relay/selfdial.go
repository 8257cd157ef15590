package relay

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/ferryproxy/ferry/discover"
	"github.com/ferryproxy/ferry/relay/failure"
)

// ownAddr is one open listener: its kind and the address it got.
type ownAddr struct{ kind, addr string }

// refusesSelf says which of ferry's own listeners a direct tunnel opened
// for a listener of kind from may not reach. Raw TCP carries no Via, so a
// loop through it cannot be recognised by its bytes; it is refused by
// address instead, before the connect.
//
// A [[tunnel]] reaches none of them: a connection to a tunnel listener
// opens the next one at once, each opening another (a tunnel whose target
// resolves to itself ran until the open-file limit), and a tunnel to the
// HTTP or SOCKS5 listener is only ever a mistake (the config check refuses
// all three by name; this catches other names and PAC or no_proxy
// routing). An app's CONNECT or SOCKS5 request reaches no HTTP or SOCKS5
// listener: a proxy tunnelling into itself serves nobody, and the app, which
// took ferry for a site, got a 200 and then a 400 for its TLS hello. It
// may reach a [[tunnel]] listener: a port forward reached through the
// proxy ends at the tunnel's own target, which is checked in turn.
func refusesSelf(from, kind string) bool {
	return from == kindTunnel || kind != kindTunnel
}

// selfDialError is a direct dial refused because addr is ferry's own
// listener of kind.
type selfDialError struct{ kind, addr string }

func (e *selfDialError) Error() string {
	if e.kind == kindTunnel {
		return fmt.Sprintf("%s is ferry's own [[tunnel]] listener, where each connection would open another one: a loop", e.addr)
	}
	return fmt.Sprintf("%s is ferry's own %s listener", e.addr, kindName(e.kind))
}

func kindName(kind string) string {
	if kind == kindSOCKS5 {
		return "SOCKS5"
	}
	return "HTTP proxy"
}

// refuseOwn is a net.Dialer ControlContext: it runs for each address the
// target resolved to, after the socket is made and before it connects, so
// a refused address never reaches an accept of ours (which, for a tunnel
// listener, would already be dialing the next one). The dialer goes on to
// the target's next address, if any.
func (s *Server) refuseOwn(from string) func(ctx context.Context, network, address string, c syscall.RawConn) error {
	return func(_ context.Context, _, address string, _ syscall.RawConn) error {
		own := s.own.Load()
		if own == nil {
			return nil
		}
		for _, o := range *own {
			if refusesSelf(from, o.kind) && discover.IsSelf(address, []string{o.addr}) {
				return &selfDialError{kind: o.kind, addr: o.addr}
			}
		}
		return nil
	}
}

// selfLoop turns a refused dial into the error apps and the log see.
func selfLoop(hostport, from string, se *selfDialError) *failure.Error {
	e := &failure.Error{Cause: failure.ProxyLoop, Peer: hostport, BeforeSend: true, Direct: true, Err: se}
	if from == kindTunnel {
		e.What = "the [[tunnel]]'s target " + hostport + " leads straight back into ferry (reached directly, no parent)"
		e.Fix = "set the tunnel's target to the host and port it is for; if " + hostport +
			" should be another machine, it resolves to this one: check the name, and no_proxy or the PAC that sent it directly"
		return e
	}
	e.What = "the app asked ferry for a tunnel to " + hostport + ", which is ferry itself (reached directly, no parent)"
	e.Fix = "connect to " + hostport + " without a proxy (add it to the app's no_proxy), or ask ferry for the site you meant"
	return e
}

// asSelfLoop reports whether err is a dial refused by refuseOwn.
func asSelfLoop(err error) (*selfDialError, bool) {
	var se *selfDialError
	ok := errors.As(err, &se)
	return se, ok
}

// ownAddrs lists the open listeners for refuseOwn; s.mu is held.
func (s *Server) ownAddrs() []ownAddr {
	var out []ownAddr
	for sp, l := range s.lns {
		out = append(out, ownAddr{kind: sp.kind, addr: l.Addr().String()})
	}
	return out
}
