package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/notify"
	"github.com/ferryproxy/ferry/relay"
)

// This file turns the relay's events (relay.Config.Notify) into desktop
// notifications, in the user's language, or into a log line where there is
// no desktop (a service, an SSH login). The relay decides how often (once
// per rest); this file decides the words.

// desktop queues notes for one goroutine that shows them, so that a slow
// desktop never holds up the request that met the rejection.
type desktop struct {
	n      notify.Notifier
	log    *slog.Logger
	lang   string
	status atomic.Pointer[string] // the status page's URL, once listening
	queue  chan notify.Note
}

// desktopQueue bounds the notes waiting: they come once per rest, so a
// full queue means the desktop is stuck, and the log has the rest.
const desktopQueue = 8

// notifyTimeout bounds one note: a D-Bus call or osascript that hangs must
// not keep the queue.
const notifyTimeout = 10 * time.Second

// startDesktop starts the goroutine that shows the notes; it ends with ctx.
func startDesktop(ctx context.Context, n notify.Notifier, log *slog.Logger, lang string) *desktop {
	d := &desktop{n: n, log: log, lang: lang, queue: make(chan notify.Note, desktopQueue)}
	go d.run(ctx)
	return d
}

func (d *desktop) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case note := <-d.queue:
			d.show(ctx, note)
		}
	}
}

func (d *desktop) show(ctx context.Context, note notify.Note) {
	ctx, cancel := context.WithTimeout(ctx, notifyTimeout)
	defer cancel()
	err := d.n.Notify(ctx, note)
	switch {
	case err == nil:
		d.log.Info("desktop notification shown", "title", note.Title)
	case errors.Is(err, notify.ErrNoSession):
		d.log.Warn("no desktop to notify: "+note.Title, "text", note.Body, "why", err.Error())
	default:
		d.log.Warn("desktop notification failed: "+note.Title, "text", note.Body, "err", err.Error())
	}
}

// listening records the first HTTP listener, for the status page's URL.
func (d *desktop) listening(addr string) {
	u := "http://" + addr + "/"
	d.status.Store(&u)
}

// hook is relay.Config.Notify for cfg: nil when notify = false (the relay
// logs every rejection anyway).
func (d *desktop) hook(cfg *config.Config) func(relay.Event) {
	if d == nil || cfg.NoNotify {
		return nil
	}
	principal := kerberosPrincipal(cfg)
	return func(e relay.Event) {
		status := "ferry's status page"
		if p := d.status.Load(); p != nil {
			status = *p
		}
		select {
		case d.queue <- noteFor(d.lang, e, status, principal):
		default:
			d.log.Warn("desktop notification dropped: the desktop has not taken the earlier ones", "event", string(e.Kind))
		}
	}
}

// noteFor says what happened and what to do, from the catalogue. It
// carries names only (parent, user, principal), never a secret.
func noteFor(lang string, e relay.Event, status, principal string) notify.Note {
	key := "notify." + string(e.Kind)
	until := ""
	if !e.Until.IsZero() {
		until = e.Until.Local().Format(time.TimeOnly)
	}
	args := []string{"parent", e.Parent, "user", nz(e.User, principal), "until", until, "status", status, "principal", principal}
	return notify.Note{Title: msg.T(lang, key+".title"), Body: msg.T(lang, key+".body", args...)}
}

// kerberosPrincipal is what the user would give kinit: user@REALM from the
// config, with the realm or the whole name left for the user to fill in.
func kerberosPrincipal(cfg *config.Config) string {
	user, realm := cfg.Auth.User, cfg.Auth.Realm
	if i := strings.LastIndexByte(user, '\\'); i >= 0 {
		// DOMAIN\user: the NetBIOS domain is usually the realm's first label.
		user = user[i+1:]
	}
	switch {
	case user == "":
		return "user@REALM"
	case strings.Contains(user, "@"):
		return user
	}
	if realm == "" {
		realm = strings.ToUpper(cfg.Auth.Domain)
	}
	return user + "@" + nz(realm, "REALM")
}
