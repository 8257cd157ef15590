package service

import (
	"context"
	"io"
)

// RunFunc runs ferry until ctx is done, logging to log.
type RunFunc func(ctx context.Context, log io.Writer) error
