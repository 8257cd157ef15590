package service

import (
	"bytes"
	"context"
	"io"
)

// RunFunc runs ferry until ctx is done, logging to log.
type RunFunc func(ctx context.Context, log io.Writer) error

// levelOf reads the level of a log/slog text line ("level=WARN").
func levelOf(line []byte) string {
	switch {
	case bytes.Contains(line, []byte(" level=ERROR ")):
		return "error"
	case bytes.Contains(line, []byte(" level=WARN ")):
		return "warning"
	}
	return "info"
}
