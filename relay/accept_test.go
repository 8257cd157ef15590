package relay

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"syscall"
	"testing"
)

// errListener fails Accept with its errors in turn, then hands out conn,
// then reports itself closed.
type errListener struct {
	net.Listener
	errs []error
	conn net.Conn
}

func (l *errListener) Accept() (net.Conn, error) {
	if len(l.errs) > 0 {
		err := l.errs[0]
		l.errs = l.errs[1:]
		return nil, err
	}
	if c := l.conn; c != nil {
		l.conn = nil
		return c, nil
	}
	return nil, net.ErrClosed
}

func (l *errListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3128} }

// Running out of file descriptors must not stop a listener: ferry waits and
// accepts again once descriptors are free, and only a closed listener ends
// the loop.
func TestAcceptWaitsOutFailures(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	l := &errListener{errs: []error{
		&net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE},
		&net.OpError{Op: "accept", Net: "tcp", Err: syscall.ECONNABORTED},
	}, conn: a}
	c, err := s.accept(l)
	if err != nil || c != a {
		t.Fatalf("accept after two failures: %v, %v; want the connection", c, err)
	}
	if _, err := s.accept(l); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("accept on a closed listener: %v, want net.ErrClosed", err)
	}
}
