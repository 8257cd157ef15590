package notify

import (
	"context"
	"errors"
	"strings"
)

// Note is one desktop notification. Neither field may carry a secret: a
// notification is shown on screen and kept in the desktop's history.
type Note struct {
	// Title is the first line, short ("ferry: the proxy rejected your
	// password").
	Title string
	// Body says what happened and what to do; plain text, lines separated
	// by "\n".
	Body string
}

// Notifier shows notes on the desktop.
type Notifier interface {
	// Notify shows n. It returns an error matching ErrNoSession when there
	// is no desktop to show it on.
	Notify(ctx context.Context, n Note) error
}

// ErrNoSession is matched (errors.Is) by the error of a Notifier that has
// no desktop session to show a note in.
var ErrNoSession = errors.New("no desktop session")

// NoSessionError says why there is no desktop session to notify.
type NoSessionError struct {
	// Why is the reason in words ("DBUS_SESSION_BUS_ADDRESS is not set").
	Why string
	// Err is the underlying error, if any.
	Err error
}

func (e *NoSessionError) Error() string {
	s := "no desktop session: " + e.Why
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *NoSessionError) Unwrap() error { return e.Err }

// Is makes every NoSessionError match ErrNoSession.
func (e *NoSessionError) Is(target error) bool { return target == ErrNoSession }

// New returns the notifier of this operating system (see the _linux,
// _darwin and _windows files, and freedesktop.go).
func New() Notifier { return newOS() }

// maxBody bounds a note's body: desktops cut long notifications anyway,
// and an error text from a parent proxy could be long.
const maxBody = 600

// clean makes s fit for a notification: no control characters but line
// breaks and tabs, valid UTF-8, at most max bytes (cut at a rune).
func clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !validStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// validStart reports whether b begins a UTF-8 sequence.
func validStart(b byte) bool { return b&0xC0 != 0x80 }

// cleaned is n ready to show.
func (n Note) cleaned() Note {
	return Note{Title: clean(strings.ReplaceAll(n.Title, "\n", " "), 120), Body: clean(n.Body, maxBody)}
}
