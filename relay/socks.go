package relay

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/socks5"
)

// serveSOCKS5 serves one SOCKS5 client: its CONNECT goes the way routing
// says, through the parents' CONNECT or directly, like an HTTP CONNECT.
func (s *Server) serveSOCKS5(c net.Conn) {
	dial := func(ctx context.Context, hostport string) (net.Conn, error) {
		nc, pending, ref, e := s.dialTunnel(ctx, hostport, "", kindSOCKS5)
		if ref != nil {
			code := socks5.ReplyGeneralFailure
			switch ref.resp.StatusCode {
			case http.StatusForbidden:
				code = socks5.ReplyNotAllowed
			case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
				code = socks5.ReplyHostUnreachable
			}
			ref.done(false)
			ref.resp.Body.Close()
			return nil, &socks5.ReplyError{Code: code, Err: fmt.Errorf("the parent refused the tunnel to %s: %s", hostport, ref.resp.Status)}
		}
		if e != nil {
			s.log.Info("socks5 request failed", "target", hostport, "cause", e.Cause.Name, "err", e.Error(), "fix", e.Fix)
			return nil, &socks5.ReplyError{Code: socksReply(e), Err: e}
		}
		if len(pending) > 0 {
			nc = socks5.WithPrefix(nc, pending)
		}
		return nc, nil
	}
	g := s.gen.Load()
	_ = socks5.Serve(context.Background(), c, dial, socks5.Options{
		HandshakeTimeout: orDefault(g.cfg.ReadHeaderTimeout, defaultReadHeaderTimeout),
		Logger:           s.log,
		// The same splice as CONNECT tunnels: half-close, idle timeout,
		// tracked for shutdown.
		Splice: func(client, target net.Conn) { s.tunnels.Conns(client, nil, target, nil, g.set.tunnelIdle) },
	})
}

// socksReply maps a cause to a SOCKS5 reply code.
func socksReply(e *failure.Error) byte {
	switch e.Cause {
	case failure.ParentRefused:
		return socks5.ReplyConnectionRefused
	case failure.ParentTimeout:
		return socks5.ReplyTTLExpired
	case failure.ParentUnresolvable, failure.OriginUnreachable:
		return socks5.ReplyHostUnreachable
	case failure.ProxyLoop:
		return socks5.ReplyNotAllowed // the target is ferry itself (selfdial.go)
	}
	return socks5.ReplyGeneralFailure
}
