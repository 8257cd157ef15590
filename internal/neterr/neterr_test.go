package neterr

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// The errors below come from the OS running the test: the Linux run checks
// Linux's numbers, the Windows binary under Wine (packaging/wine-check.sh)
// checks Winsock's.

func TestDialToClosedPortIsRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = net.DialTimeout("tcp", addr, 5*time.Second)
	if err == nil {
		t.Fatalf("dial %s after closing its listener: no error", addr)
	}
	if !IsRefused(err) {
		t.Errorf("IsRefused(%v) = false, want true (%#v)", err, errors.Unwrap(errors.Unwrap(err)))
	}
	if IsReset(err) || IsTimeout(err) || IsUnreachable(err) || IsBrokenPipe(err) {
		t.Errorf("%v is classified as more than refused", err)
	}
}

// resetPair returns the client end of a connection whose server end closed
// with SO_LINGER 0, which sends a RST instead of a FIN.
func resetPair(t *testing.T) net.Conn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.(*net.TCPConn).SetLinger(0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return c
}

func TestReadAfterPeerResetIsReset(t *testing.T) {
	c := resetPair(t)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.Read(make([]byte, 1))
	if err == io.EOF && testenv.UnderWine() {
		// Windows' recv answers a received RST with WSAECONNRESET; Wine 8
		// reports it as an orderly end of stream.
		t.Skip("not under Wine: Wine 8 reports a read after the peer's RST as EOF, not WSAECONNRESET")
	}
	if !IsReset(err) {
		t.Errorf("read after the peer's RST: IsReset(%v) = false, want true", err)
	}
	if IsRefused(err) || IsTimeout(err) {
		t.Errorf("%v is classified as refused or timeout", err)
	}
}

func TestWriteAfterPeerResetIsResetOrBrokenPipe(t *testing.T) {
	c := resetPair(t)
	// The first write may still succeed (the RST may not have been
	// processed yet, or the write only fills the send buffer): keep writing
	// until the stack reports the reset, as it must within a few writes.
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_, err = c.Write(make([]byte, 64<<10))
		if err == nil {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if err == nil {
		t.Fatal("100 writes after the peer's RST all succeeded")
	}
	t.Logf("write after the peer's RST: %v", err)
	if !IsReset(err) && !IsBrokenPipe(err) {
		t.Errorf("write after the peer's RST: %v is neither reset nor broken pipe", err)
	}
}

func TestReadPastDeadlineIsTimeout(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	_ = a.SetReadDeadline(time.Now().Add(-time.Second))
	_, err := a.Read(make([]byte, 1))
	if !IsTimeout(err) {
		t.Errorf("IsTimeout(%v) = false, want true", err)
	}
}

func TestOtherErrorsAreNothing(t *testing.T) {
	for _, err := range []error{nil, io.EOF, errors.New("boom"), net.ErrClosed} {
		if IsRefused(err) || IsReset(err) || IsBrokenPipe(err) || IsUnreachable(err) || IsTimeout(err) {
			t.Errorf("%v is classified as a network failure", err)
		}
	}
}
