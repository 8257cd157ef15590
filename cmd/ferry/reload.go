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

// watchReload calls reload on SIGHUP and when the config file changes,
// until ctx is done.
func watchReload(ctx context.Context, file string, logger *slog.Logger, reload func()) {
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
			reload()
		case <-tick.C:
			if file == "" {
				continue
			}
			if m := modTime(file); !m.Equal(last) {
				last = m
				logger.Info("reloading the configuration (file changed)", "file", file)
				reload()
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
