package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// configPollInterval is how often the config file's modification time is
// checked; polling works the same on every OS and costs one stat.
const configPollInterval = 2 * time.Second

// watchReload calls reload on SIGHUP, when the config file changes, and
// when asked on now (the status page's password form stored a password:
// its answer waits for the reload's error on the channel it sent), until
// ctx is done.
func watchReload(ctx context.Context, file string, logger *slog.Logger, now <-chan chan error, reload func() error) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	last := modTime(file)
	tick := time.NewTicker(configPollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			logger.Info("reloading the configuration (SIGHUP)")
			last = modTime(file)
			_ = reload()
		case done := <-now:
			logger.Info("reloading the configuration (a new password from the status page)")
			// The store changed the file (or touched it): the poll need
			// not load it again.
			last = modTime(file)
			done <- reload()
		case <-tick.C:
			if file == "" {
				continue
			}
			if m := modTime(file); !m.Equal(last) {
				last = m
				logger.Info("reloading the configuration (file changed)", "file", file)
				_ = reload()
			}
		}
	}
}

func modTime(file string) time.Time {
	if file == "" {
		return time.Time{}
	}
	fi, err := os.Stat(file)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}
