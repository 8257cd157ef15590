package httpserve

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// tcpConn is pipeConn over a TCP connection, which RawBody needs.
func tcpConn(t *testing.T, reqText string) (c *conn, app net.Conn, req *http.Request) {
	t.Helper()
	s := testServer(slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv, appc := testenv.TCPPair(t)
	_ = appc.SetDeadline(time.Now().Add(10 * time.Second))
	c = newConn(s, srv, func() {})
	t.Cleanup(c.cr.disarm)
	if _, err := io.WriteString(appc, reqText); err != nil {
		t.Fatal(err)
	}
	var err error
	req, err = c.readRequest()
	if err != nil {
		t.Fatalf("reading %q: %v", reqText, err)
	}
	return c, appc, req
}

// rawBodyAnswer answers reqText with a Content-Length of length (none when
// negative), "ab" through Write, then send's bytes through RawBody; it
// returns what the app got, the finished response and RawBody's error.
func rawBodyAnswer(t *testing.T, reqText string, length int, send string) (string, *response, error) {
	t.Helper()
	c, app, req := tcpConn(t, reqText)
	got := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(app); got <- b }()
	w := newResponse(c, req)
	if length >= 0 {
		w.Header().Set("Content-Length", strconv.Itoa(length))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("ab"))
	_, err := w.RawBody(func(dst *net.TCPConn, left int64) (int64, error) {
		if length >= 0 && left != int64(length-2) {
			t.Errorf("RawBody left %d bytes to go, want %d", left, length-2)
		}
		n, err := io.WriteString(dst, send)
		return int64(n), err
	})
	if err := w.finish(); err != nil {
		t.Fatalf("finish: %v", err)
	}
	c.nc.Close()
	return string(<-got), w, err
}

// The bytes send writes count as the body's: a whole body keeps the
// app's connection, as one written through Write does.
func TestRawBodyKnownLengthKeepsConnection(t *testing.T) {
	got, w, err := rawBodyAnswer(t, get11, 10, "cdefghij")
	if err != nil {
		t.Fatalf("RawBody: %v", err)
	}
	if !strings.HasSuffix(got, "\r\n\r\nabcdefghij") || !strings.Contains(got, "Content-Length: 10\r\n") {
		t.Fatalf("the app got %q", got)
	}
	if w.closeAfter {
		t.Fatal("a whole body sent with RawBody closes the app's connection")
	}
}

// send writing less than the head promised closes the connection after
// the response, so that the app cannot take what follows for the body.
func TestRawBodyShortClosesConnection(t *testing.T) {
	_, w, err := rawBodyAnswer(t, get11, 10, "cde")
	if err != nil {
		t.Fatalf("RawBody: %v", err)
	}
	if !w.closeAfter {
		t.Fatal("a body cut short keeps the app's connection")
	}
}

// An HTTP/1.0 app reading to the end gets a body of unknown length with
// no end but the connection's: left is -1.
func TestRawBodyToTheEndForHTTP10(t *testing.T) {
	got, w, err := rawBodyAnswer(t, get10, -1, "cdef")
	if err != nil {
		t.Fatalf("RawBody: %v", err)
	}
	if !strings.HasSuffix(got, "\r\n\r\nabcdef") || !w.closeAfter {
		t.Fatalf("the app got %q (close after %v)", got, w.closeAfter)
	}
}

// Bodies ferry must frame itself (chunked), or that have none (HEAD), go
// through Write: RawBody refuses them without calling send.
func TestRawBodyRefusesWhatWriteMustFrame(t *testing.T) {
	for _, c := range []struct {
		name, req string
		length    int
	}{{"chunked", get11, -1}, {"HEAD", head11, 10}} {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := rawBodyAnswer(t, c.req, c.length, "SENT")
			if !errors.Is(err, ErrNoRawBody) || strings.Contains(got, "SENT") {
				t.Fatalf("RawBody: %v; the app got %q", err, got)
			}
		})
	}
	c, _, req := pipeConn(t, get11)
	w := newResponse(c, req)
	w.Header().Set("Content-Length", "3")
	if _, err := w.RawBody(func(*net.TCPConn, int64) (int64, error) { return 0, nil }); !errors.Is(err, ErrNoRawBody) {
		t.Fatalf("RawBody on a connection that is not TCP: %v", err)
	}
}
