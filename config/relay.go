package config

import (
	"log/slog"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay"
)

// Relay is the relay's config for c, logging on with authn. LockoutState
// and Version are the caller's to set: they come from the command, not
// the file.
func (c *Config) Relay(authn *auth.Authenticator, logger *slog.Logger) relay.Config {
	return relay.Config{
		Listen:                c.Listen,
		Parents:               c.Parents,
		NoProxy:               c.NoProxy,
		Auth:                  authn,
		ConnectTimeout:        c.Timeouts.Connect,
		ResponseHeaderTimeout: c.Timeouts.ResponseHeader,
		PoolIdleTimeout:       c.Timeouts.PoolIdle,
		ClientIdleTimeout:     c.Timeouts.ClientIdle,
		ReadHeaderTimeout:     c.Timeouts.ReadHeader,
		ShutdownTimeout:       c.Timeouts.Shutdown,
		TunnelIdleTimeout:     c.Timeouts.TunnelIdle,
		MaxConns:              c.Limits.MaxConnections,
		MaxHeaderBytes:        c.Limits.MaxHeaderBytes,
		SpareConnections:      spareConnections(c.Limits),
		Logger:                logger,
		SOCKS5:                c.SOCKS5,
		Allow:                 c.Allow,
		Deny:                  c.Deny,
		DirectFallback:        c.DirectFallback,
		Headers:               c.Headers,
		Tunnels:               c.Tunnels,
		PAC:                   c.PAC,
		PACFallback:           c.PACFallback,
		PACRefresh:            c.PACRefresh,
		AllowHosts:            c.AllowHosts,
	}
}

// spareConnections maps limits.spare_connections onto relay.Config, where
// zero is the default and a negative number turns spares off.
func spareConnections(l Limits) int {
	if l.NoSpares {
		return -1
	}
	return l.SpareConnections
}
