//go:build !linux && !darwin && !windows

package service

import (
	"context"
	"errors"
)

// PlanFor refuses other systems, so New never returns a Manager here; these
// keep the package building for them.

var errUnsupported = errors.New("service: this OS is not supported")

func (m *Manager) install(context.Context, bool) error    { return errUnsupported }
func (m *Manager) uninstall(context.Context) error        { return errUnsupported }
func (m *Manager) control(context.Context, string) error  { return errUnsupported }
func (m *Manager) status(context.Context) (Status, error) { return Status{}, errUnsupported }
