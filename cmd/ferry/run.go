package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/notify"
	"github.com/ferryproxy/ferry/relay"
	"github.com/ferryproxy/ferry/relay/report"
)

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// serve builds the authenticator and the relay from cfg and serves until
// ctx is done. SIGHUP, or a change of the config file, reloads: load gives
// the new config; an invalid one is logged and the running one stays.
func serve(ctx context.Context, cfg *config.Config, logger *slog.Logger, load func() (*config.Config, error)) error {
	// Libraries that log without a Logger of their own use the default.
	slog.SetDefault(logger)
	raiseFileLimit(logger)
	limitProcs(logger)

	authn, err := auth.New(cfg.Auth)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	desk := startDesktop(ctx, notify.New(), logger, msg.FromEnv(os.Getenv))
	var srv *relay.Server
	forms := &statusForms{file: cfg.File, status: func() report.Status { return srv.Status() }}
	if load != nil {
		forms.reloadNow = make(chan chan error)
	}
	rc := forms.withForms(relayConfig(cfg, authn, logger))
	rc.Notify = desk.hook(cfg)
	srv, err = relay.New(rc)
	if err != nil {
		return err
	}
	addrs, err := srv.Listen()
	if err != nil {
		// Serve, which closes the lockout state's lock file, never runs.
		_ = srv.Guard().Close()
		return err // it names the address and suggests what to check
	}
	if len(addrs) > 0 {
		desk.listening(addrs[0].String())
	}
	for _, a := range addrs {
		logger.Info("ferry listening", "addr", a.String())
	}
	logConfig(logger, cfg, authn)
	if load != nil {
		go watchReload(ctx, cfg.File, logger, forms.reloadNow, func() error {
			next, err := load()
			if err != nil {
				logger.Error("configuration not reloaded: the running one stays", "err", err.Error())
				return err
			}
			for _, w := range next.Warnings {
				logger.Warn(w)
			}
			a, err := auth.New(next.Auth)
			if err != nil {
				logger.Error("configuration not reloaded: the running one stays", "err", "credentials: "+err.Error())
				return fmt.Errorf("credentials: %w", err)
			}
			rc := forms.withForms(relayConfig(next, a, logger))
			rc.Notify = desk.hook(next)
			if err := srv.Reload(rc); err != nil {
				logger.Error("configuration not reloaded: the running one stays", "err", err.Error())
				return err
			}
			logConfig(logger, next, a)
			return nil
		})
	}
	if err := srv.Serve(ctx); err != nil {
		return err
	}
	logger.Info("ferry stopped")
	return nil
}

func logConfig(logger *slog.Logger, cfg *config.Config, authn *auth.Authenticator) {
	logger.Info("ferry parents", "parents", strings.Join(cfg.Parents, " "))
	if !authn.Enabled() {
		logger.Info("ferry credentials", "identity", "none", "scheme", cfg.Auth.Scheme,
			"note", "requests go to the parents without credentials")
		return
	}
	id, from, ok := identitySource(cfg)
	level := slog.LevelInfo
	if !ok {
		level = slog.LevelWarn
	}
	logger.Log(context.Background(), level, "ferry credentials", "identity", id, "from", from,
		"scheme", cfg.Auth.Scheme, "usable", strings.Join(authn.Names(), " "))
}

// identitySource names who ferry logs on as and where that comes from, as
// it is, not as it might be: ok is false when nothing can log on yet.
func identitySource(cfg *config.Config) (id, from string, ok bool) {
	a := cfg.Auth
	if a.User != "" {
		id = a.Identity()
		switch {
		case cfg.Creds.PasswordFrom != "":
			return id, "password from " + cfg.Creds.PasswordFrom, true
		case a.Keytab != "":
			return id, "keytab " + a.Keytab, true
		case len(a.NTHash) > 0:
			return id, "auth.pass_nt", true
		case len(a.NTLMv2Hash) > 0:
			return id, "auth.pass_ntlmv2", true
		}
	}
	if runtime.GOOS == "windows" && a.Password == "" && a.Keytab == "" {
		return "the Windows logon user", "Windows single sign-on (SSPI)", true
	}
	path, err := auth.CCachePath(a.CCache)
	switch {
	case err != nil:
		return nz(id, "none"), err.Error(), false
	case !fileExists(path) && id == "":
		return "none", "no Kerberos ticket cache at " + path +
			": run kinit, or pass --user with FERRY_PASSWORD or --prompt", false
	case !fileExists(path):
		return id, "no Kerberos ticket cache at " + path +
			" and no password: run kinit, or set FERRY_PASSWORD, or pass --prompt", false
	}
	return nz(id, "the ticket's principal"), "Kerberos ticket cache " + path, true
}

func nz(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// relayConfig is cfg's relay.Config with what only the command knows: the
// lockout state file and the version.
func relayConfig(cfg *config.Config, authn *auth.Authenticator, logger *slog.Logger) relay.Config {
	rc := cfg.Relay(authn, logger)
	rc.LockoutState = lockoutStateFile(os.Getenv)
	rc.Version = version
	return rc
}
