//go:build !windows

package service

import (
	"context"
	"errors"
)

// ListenStop returns ctx as it is: outside Windows the service managers
// stop ferry with SIGTERM, which it drains on.
func ListenStop(ctx context.Context, configFile string) (context.Context, func(), error) {
	return ctx, func() {}, nil
}

// ErrNoStopEvent means no ferry listens for a stop request.
var ErrNoStopEvent = errors.New("no running ferry listens for a stop request")

// RequestStop is for Windows' logon task only.
func RequestStop(configFile string) error { return ErrNoStopEvent }
