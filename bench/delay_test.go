package bench

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// startEcho runs a loopback echo server for the test.
func startEcho(t *testing.T) string {
	return testenv.ServeTCP(t, func(c net.Conn) { _, _ = io.Copy(c, c) })
}

// The forwarder carries bytes both ways in order, and a round trip through
// it takes at least two one-way delays (four on a new connection, which
// also pays the handshake). Only lower bounds are checked: a loaded machine
// can make it slower, never faster.
func TestDelayForwardsInOrderAfterTheDelay(t *testing.T) {
	const d = 30 * time.Millisecond
	f, err := NewDelay(startEcho(t), d)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := net.Dial("tcp", f.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	one := make([]byte, 1)
	if _, err := io.ReadFull(c, one); err != nil {
		t.Fatal(err)
	}
	if got := time.Since(start); got < 4*d {
		t.Errorf("first round trip on a new connection took %s, want at least %s", got, 4*d)
	}

	// Many writes, each its own chunk: they come back complete and in order.
	var want bytes.Buffer
	start = time.Now()
	go func() {
		for i := range 200 {
			_, _ = c.Write([]byte{byte(i), byte(i >> 8), 'a', 'b', 'c'})
		}
	}()
	for i := range 200 {
		want.Write([]byte{byte(i), byte(i >> 8), 'a', 'b', 'c'})
	}
	got := make([]byte, want.Len())
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Error("bytes came back changed or out of order")
	}
	if el := time.Since(start); el < 2*d {
		t.Errorf("round trip took %s, want at least %s", el, 2*d)
	}

	// SetDelay(0) forwards without waiting; Close ends open connections.
	f.SetDelay(0)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c.Read(one); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read after Close: %d bytes, %v; want the connection closed", n, err)
	}
}

// Reset ends the connections forwarded so far and the forwarder goes on
// accepting new ones.
func TestDelayResetClosesOldConnectionsOnly(t *testing.T) {
	f, err := NewDelay(startEcho(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	echo := func(c net.Conn) error {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte("x")); err != nil {
			return err
		}
		_, err := io.ReadFull(c, make([]byte, 1))
		return err
	}
	old, err := net.Dial("tcp", f.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := echo(old); err != nil {
		t.Fatal(err)
	}
	f.Reset()
	_ = old.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := old.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read after Reset: %d bytes, %v; want the old connection closed", n, err)
	}
	c, err := net.Dial("tcp", f.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := echo(c); err != nil {
		t.Errorf("a connection after Reset: %v", err)
	}
}
