package httpserve

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// The watch started after a request is in cancels the request's context
// when the app closes its end, and only then.
func TestConnReaderWatchCancelsWhenAppLeaves(t *testing.T) {
	c, app, _ := pipeConn(t, get11)
	c.cr.arm()
	time.Sleep(4 * watchAfter) // the watch read is running
	if err := c.ctx.Err(); err != nil {
		t.Fatalf("cancelled while the app is still there: %v", err)
	}
	app.Close()
	select {
	case <-c.ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the app left and the request was not cancelled")
	}
}

// Disarming interrupts the watch read without cancelling, and the
// connection reads on as before.
func TestConnReaderDisarmLeavesConnectionUsable(t *testing.T) {
	c, app, _ := pipeConn(t, get11)
	c.cr.arm()
	time.Sleep(4 * watchAfter) // the watch read is running
	c.cr.disarm()
	if err := c.ctx.Err(); err != nil {
		t.Fatalf("disarm cancelled the request: %v", err)
	}
	go func() { _, _ = io.WriteString(app, get11) }()
	req, err := c.readRequest()
	if err != nil || req.Method != http.MethodGet {
		t.Fatalf("next request after disarm: %v, %v", req, err)
	}
}

// A handler that panics aborts its connection: the app sees the answer cut
// short, never a complete-looking one, and ferry logs the panic unless it is
// http.ErrAbortHandler, as net/http does.
func TestAppHandlerPanicAbortsConnection(t *testing.T) {
	tests := []struct {
		name   string
		value  any
		logged bool
	}{
		{"ErrAbortHandler", http.ErrAbortHandler, false},
		{"other panic", "boom", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &testenv.SyncBuffer{}
			s := testServer(slog.New(slog.NewTextHandler(logs, nil)))
			s.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", "100")
				_, _ = io.WriteString(w, "partial")
				w.(http.Flusher).Flush()
				panic(tt.value)
			})
			srv, app := net.Pipe()
			defer app.Close()
			_ = app.SetDeadline(time.Now().Add(10 * time.Second))
			served := make(chan struct{})
			go func() { defer close(served); s.ServeConn(srv, nil) }()

			go func() { _, _ = io.WriteString(app, get11) }()
			resp, err := http.ReadResponse(bufio.NewReader(app), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			if string(b) != "partial" || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("body %q, %v; want \"partial\" then an unexpected EOF", b, err)
			}
			select {
			case <-served:
			case <-time.After(5 * time.Second):
				t.Fatal("the connection is still served after the panic")
			}
			if got := strings.Contains(logs.String(), "panic serving a request"); got != tt.logged {
				t.Fatalf("panic logged %v, want %v:\n%s", got, tt.logged, logs.String())
			}
		})
	}
}
