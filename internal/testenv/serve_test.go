package testenv

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

func TestServeTCPHandsEachConnectionToServeAndClosesIt(t *testing.T) {
	addr := ServeTCP(t, func(c net.Conn) {
		line, _ := bufio.NewReader(c).ReadString('\n')
		_, _ = io.WriteString(c, "got "+line)
	})
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, "hello\n")
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		b, err := io.ReadAll(c) // ends only when the server closes
		c.Close()
		if err != nil || string(b) != "got hello\n" {
			t.Fatalf("read %q, %v; want \"got hello\\n\" then EOF", b, err)
		}
	}
}

func TestServeTCPCleanupEndsAServeStillRunning(t *testing.T) {
	started, ended := make(chan struct{}), make(chan struct{})
	var addr string
	var c net.Conn // left open: only the cleanup can end serve
	t.Run("inner", func(t *testing.T) {
		addr = ServeTCP(t, func(c net.Conn) {
			close(started)
			_, _ = io.Copy(io.Discard, c) // silent until the connection closes
			close(ended)
		})
		var err error
		if c, err = net.Dial("tcp", addr); err != nil {
			t.Fatal(err)
		}
		<-started
	})
	defer c.Close()
	select {
	case <-ended:
	default:
		t.Fatal("cleanup returned with serve still running")
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatal("still listening after cleanup")
	}
}
