package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay"
)

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// serve builds the authenticator and the relay from cfg and serves until
// ctx is done.
func serve(ctx context.Context, cfg *Config, logger *slog.Logger) error {
	// Libraries that log without a Logger of their own use the default.
	slog.SetDefault(logger)

	authn, err := auth.New(cfg.Auth)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	srv, err := relay.New(relayConfig(cfg, authn, logger))
	if err != nil {
		return err
	}
	addrs, err := srv.Listen()
	if err != nil {
		return err // it names the address and suggests what to check
	}
	for _, a := range addrs {
		logger.Info("ferry listening", "addr", a.String())
	}
	logger.Info("ferry parents", "parents", strings.Join(cfg.Parents, " "))
	if authn.Enabled() {
		id := authn.Identity()
		if id == "" {
			id = "(from the Kerberos ticket cache)"
		}
		logger.Info("ferry credentials", "identity", id,
			"scheme", cfg.Auth.Scheme, "usable", strings.Join(authn.Names(), " "))
	} else {
		logger.Info("ferry credentials", "identity", "none", "scheme", cfg.Auth.Scheme,
			"note", "requests go to the parents without credentials")
	}
	if err := srv.Serve(ctx); err != nil {
		return err
	}
	logger.Info("ferry stopped")
	return nil
}

func relayConfig(cfg *Config, authn *auth.Authenticator, logger *slog.Logger) relay.Config {
	return relay.Config{
		Listen:                cfg.Listen,
		Parents:               cfg.Parents,
		NoProxy:               cfg.NoProxy,
		Auth:                  authn,
		Guard:                 auth.NewGuard(cfg.Auth.LockoutCooldown, nil),
		ConnectTimeout:        cfg.Timeouts.Connect,
		ResponseHeaderTimeout: cfg.Timeouts.ResponseHeader,
		PoolIdleTimeout:       cfg.Timeouts.PoolIdle,
		ClientIdleTimeout:     cfg.Timeouts.ClientIdle,
		ReadHeaderTimeout:     cfg.Timeouts.ReadHeader,
		ShutdownTimeout:       cfg.Timeouts.Shutdown,
		Logger:                logger,
		Version:               version,
	}
}
