//go:build linux

package rawio

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestRawIOMovesBytesBothWays(t *testing.T) {
	a, b := testenv.TCPPair(t)
	rd, wr := Split(a)
	if _, ok := rd.(*rawConn); !ok {
		t.Fatalf("Split(TCP) reader is %T, want *rawConn", rd)
	}
	// More than the socket buffers hold, so the write must wait for the
	// reader and go on after partial writes.
	data := make([]byte, 16<<20+7)
	_, _ = rand.Read(data)
	got := make(chan []byte, 1)
	go func() {
		buf, _ := io.ReadAll(b)
		got <- buf
	}()
	n, err := wr.Write(data)
	if err != nil || n != len(data) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(data))
	}
	_ = a.CloseWrite()
	if buf := <-got; !bytes.Equal(buf, data) {
		t.Fatalf("the peer read %d bytes, not the %d written", len(buf), len(data))
	}

	go func() {
		_, _ = b.Write([]byte("hello"))
		_ = b.Close()
	}()
	buf, err := io.ReadAll(rd)
	if err != nil || string(buf) != "hello" {
		t.Fatalf("ReadAll = %q, %v; want \"hello\", nil (io.EOF at the end)", buf, err)
	}
}

// Errors must read like net's own: code and logs test for deadlines,
// closed connections and resets with errors.Is and net.Error.
func TestRawIOErrorsLookLikeNets(t *testing.T) {
	a, b := testenv.TCPPair(t)
	rd, _ := Split(a)
	_ = a.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := rd.Read(make([]byte, 10))
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read past the deadline: %v; want a timeout", err)
	}
	if want := "read tcp " + a.LocalAddr().String() + "->" + a.RemoteAddr().String() + ": i/o timeout"; err.Error() != want {
		t.Errorf("timeout reads %q, want %q", err, want)
	}
	_ = a.SetReadDeadline(time.Time{})

	// A reset: the peer closes with unread data and linger 0.
	_ = b.SetLinger(0)
	_ = b.Close()
	time.Sleep(20 * time.Millisecond)
	_, err = rd.Read(make([]byte, 10))
	if !errors.Is(err, syscall.ECONNRESET) || !strings.Contains(err.Error(), "read: connection reset by peer") {
		t.Fatalf("read after a reset: %v; want ECONNRESET as net words it", err)
	}

	c, _ := testenv.TCPPair(t)
	rd, wr := Split(c)
	_ = c.Close()
	if _, err := rd.Read(make([]byte, 10)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read of a closed connection: %v; want net.ErrClosed", err)
	}
	if _, err := wr.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("write to a closed connection: %v; want net.ErrClosed", err)
	}
}

func TestRawIOLeavesOtherConnsAlone(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	rd, wr := Split(a)
	if rd != io.Reader(a) || wr != io.Writer(a) {
		t.Fatalf("Split(net.Pipe) = %T, %T; want the conn itself", rd, wr)
	}
}
