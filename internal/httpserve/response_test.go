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
)

// testServer is a Server with relay's default limits, logging to log.
func testServer(log *slog.Logger) *Server {
	return &Server{Logger: log, Options: Options{IdleTimeout: 120 * time.Second, HeaderTimeout: 30 * time.Second, MaxHeaderBytes: 64 << 10}}
}

// pipeConn is a conn over one end of a net.Pipe, with the app's end and
// the request read from it.
func pipeConn(t *testing.T, reqText string) (c *conn, app net.Conn, req *http.Request) {
	t.Helper()
	s := testServer(slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv, app := net.Pipe()
	t.Cleanup(func() { srv.Close(); app.Close() })
	_ = app.SetDeadline(time.Now().Add(10 * time.Second))
	c = newConn(s, srv, func() {})
	t.Cleanup(c.cr.disarm)
	go func() { _, _ = io.WriteString(app, reqText) }()
	var err error
	req, err = c.readRequest()
	if err != nil {
		t.Fatalf("reading %q: %v", reqText, err)
	}
	return c, app, req
}

// respondTo answers the raw request reqText with handler, and returns the
// bytes the app received and the finished response.
func respondTo(t *testing.T, reqText string, handler func(t *testing.T, w http.ResponseWriter)) (string, *response) {
	t.Helper()
	c, app, req := pipeConn(t, reqText)
	got := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(app); got <- b }()
	w := newResponse(c, req)
	handler(t, w)
	if err := w.finish(); err != nil {
		t.Fatalf("finish: %v", err)
	}
	c.nc.Close()
	return string(<-got), w
}

const (
	get11      = "GET / HTTP/1.1\r\nHost: ferry\r\n\r\n"
	get11Close = "GET / HTTP/1.1\r\nHost: ferry\r\nConnection: close\r\n\r\n"
	get10      = "GET / HTTP/1.0\r\n\r\n"
	get10Keep  = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
	head11     = "HEAD / HTTP/1.1\r\nHost: ferry\r\n\r\n"
)

// writeAll writes body in pieces of n bytes.
func writeAll(t *testing.T, w http.ResponseWriter, body string, n int) {
	t.Helper()
	for rest := body; rest != ""; {
		k := min(n, len(rest))
		if _, err := io.WriteString(w, rest[:k]); err != nil {
			t.Fatalf("Write: %v", err)
		}
		rest = rest[k:]
	}
}

func TestAppResponseFraming(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 600) // 9600 bytes, more than holdBack
	tests := []struct {
		name    string
		req     string
		handler func(t *testing.T, w http.ResponseWriter)
		status  string   // the status line
		want    []string // header lines the head has
		absent  []string // header names the head lacks
		body    string
		close   bool // the connection ends after the response
	}{
		{
			name:    "short body of unknown length gets a Content-Length",
			req:     get11,
			handler: func(t *testing.T, w http.ResponseWriter) { writeAll(t, w, "hello", 5) },
			status:  "HTTP/1.1 200 OK", want: []string{"Content-Length: 5"}, absent: []string{"Transfer-Encoding", "Connection"},
			body: "hello",
		},
		{
			name:    "body of exactly holdBack is still measured",
			req:     get11,
			handler: func(t *testing.T, w http.ResponseWriter) { writeAll(t, w, long[:holdBack], 1000) },
			status:  "HTTP/1.1 200 OK", want: []string{"Content-Length: 4096"}, absent: []string{"Transfer-Encoding"},
			body: long[:holdBack],
		},
		{
			name:    "longer body of unknown length is chunked",
			req:     get11,
			handler: func(t *testing.T, w http.ResponseWriter) { writeAll(t, w, long, 3000) },
			status:  "HTTP/1.1 200 OK", want: []string{"Transfer-Encoding: chunked"}, absent: []string{"Content-Length", "Connection"},
			body: long,
		},
		{
			name: "declared length is used however long",
			req:  get11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				w.Header().Set("Content-Length", "9600")
				writeAll(t, w, long, 3000)
			},
			status: "HTTP/1.1 200 OK", want: []string{"Content-Length: 9600"}, absent: []string{"Transfer-Encoding"},
			body: long,
		},
		{
			name: "flush before the end commits to chunked",
			req:  get11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				writeAll(t, w, "hi", 2)
				w.(http.Flusher).Flush()
				writeAll(t, w, "there", 5)
			},
			status: "HTTP/1.1 200 OK", want: []string{"Transfer-Encoding: chunked"}, absent: []string{"Content-Length"},
			body: "hithere",
		},
		{
			name:    "nothing written is an empty body",
			req:     get11,
			handler: func(t *testing.T, w http.ResponseWriter) {},
			status:  "HTTP/1.1 200 OK", want: []string{"Content-Length: 0"}, absent: []string{"Transfer-Encoding"},
		},
		{
			name:    "HTTP/1.0 closes by default",
			req:     get10,
			handler: func(t *testing.T, w http.ResponseWriter) { writeAll(t, w, "hello", 5) },
			status:  "HTTP/1.0 200 OK", want: []string{"Content-Length: 5", "Connection: close"},
			body: "hello", close: true,
		},
		{
			name:    "HTTP/1.0 keep-alive is confirmed",
			req:     get10Keep,
			handler: func(t *testing.T, w http.ResponseWriter) { writeAll(t, w, "hello", 5) },
			status:  "HTTP/1.0 200 OK", want: []string{"Content-Length: 5", "Connection: keep-alive"},
			body: "hello",
		},
		{
			name:    "HTTP/1.0 body of unknown length ends with the connection",
			req:     get10Keep,
			handler: func(t *testing.T, w http.ResponseWriter) { writeAll(t, w, long, 3000) },
			status:  "HTTP/1.0 200 OK", want: []string{"Connection: close"}, absent: []string{"Content-Length", "Transfer-Encoding"},
			body: long, close: true,
		},
		{
			name:    "app's Connection: close",
			req:     get11Close,
			handler: func(t *testing.T, w http.ResponseWriter) { writeAll(t, w, "hello", 5) },
			status:  "HTTP/1.1 200 OK", want: []string{"Content-Length: 5", "Connection: close"},
			body: "hello", close: true,
		},
		{
			name: "handler's Connection: close",
			req:  get11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				w.Header().Set("Connection", "close")
				writeAll(t, w, "hello", 5)
			},
			status: "HTTP/1.1 200 OK", want: []string{"Content-Length: 5", "Connection: close"},
			body: "hello", close: true,
		},
		{
			name: "handler's framing headers are replaced",
			req:  get11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				w.Header().Set("Transfer-Encoding", "chunked")
				w.Header().Set("Content-Length", "bogus")
				w.Header().Set("X-Test", "yes")
				writeAll(t, w, "hello", 5)
			},
			status: "HTTP/1.1 200 OK", want: []string{"Content-Length: 5", "X-Test: yes"}, absent: []string{"Transfer-Encoding"},
			body: "hello",
		},
		{
			name: "204 has no body",
			req:  get11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				w.WriteHeader(http.StatusNoContent)
				if _, err := w.Write([]byte("x")); !errors.Is(err, http.ErrBodyNotAllowed) {
					t.Errorf("Write on a 204: %v, want ErrBodyNotAllowed", err)
				}
			},
			status: "HTTP/1.1 204 No Content", absent: []string{"Content-Length", "Transfer-Encoding"},
		},
		{
			name: "304 has no body",
			req:  get11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				w.Header().Set("Etag", `"v1"`)
				w.WriteHeader(http.StatusNotModified)
			},
			status: "HTTP/1.1 304 Not Modified", want: []string{`Etag: "v1"`}, absent: []string{"Content-Length", "Transfer-Encoding"},
		},
		{
			name: "HEAD gets no body",
			req:  head11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				if n, err := io.WriteString(w, long); n != len(long) || err != nil {
					t.Errorf("Write on HEAD: %d, %v; want it swallowed", n, err)
				}
			},
			status: "HTTP/1.1 200 OK", absent: []string{"Transfer-Encoding"},
		},
		{
			name: "HEAD keeps a declared length",
			req:  head11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				w.Header().Set("Content-Length", "9600")
			},
			status: "HTTP/1.1 200 OK", want: []string{"Content-Length: 9600"}, absent: []string{"Transfer-Encoding"},
		},
		{
			name: "body shorter than declared closes",
			req:  get11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				w.Header().Set("Content-Length", "10")
				writeAll(t, w, "hello", 5)
			},
			status: "HTTP/1.1 200 OK", want: []string{"Content-Length: 10"},
			close: true,
		},
		{
			name: "body longer than declared is refused",
			req:  get11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				w.Header().Set("Content-Length", "5")
				writeAll(t, w, "hello", 5)
				if _, err := io.WriteString(w, "!"); !errors.Is(err, http.ErrContentLength) {
					t.Errorf("writing past Content-Length: %v, want ErrContentLength", err)
				}
			},
			status: "HTTP/1.1 200 OK", want: []string{"Content-Length: 5"},
			body: "hello",
		},
		{
			name: "unknown status gets a reason",
			req:  get11,
			handler: func(t *testing.T, w http.ResponseWriter) {
				w.WriteHeader(599)
			},
			status: "HTTP/1.1 599 status code 599", want: []string{"Content-Length: 0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, w := respondTo(t, tt.req, tt.handler)
			headText, rest, ok := strings.Cut(raw, "\r\n\r\n")
			if !ok {
				t.Fatalf("no end of head in %q", raw)
			}
			lines := strings.Split(headText, "\r\n")
			if lines[0] != tt.status {
				t.Errorf("status line %q, want %q", lines[0], tt.status)
			}
			for _, want := range tt.want {
				if !containsLine(lines[1:], want) {
					t.Errorf("head lacks %q:\n%s", want, headText)
				}
			}
			for _, name := range tt.absent {
				for _, l := range lines[1:] {
					if strings.HasPrefix(strings.ToLower(l), strings.ToLower(name)+":") {
						t.Errorf("head has %q", l)
					}
				}
			}
			if w.closeAfter != tt.close {
				t.Errorf("closeAfter %v, want %v", w.closeAfter, tt.close)
			}
			if tt.close && w.written < w.length {
				return // truncated on purpose: nothing more to parse
			}
			method := http.MethodGet
			if strings.HasPrefix(tt.req, "HEAD") {
				method = http.MethodHead
				if rest != "" {
					t.Fatalf("HEAD answer has a body: %q", rest)
				}
			}
			resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw)), &http.Request{Method: method})
			if err != nil {
				t.Fatalf("the app cannot read the answer: %v\n%q", err, raw)
			}
			b, err := io.ReadAll(resp.Body)
			if err != nil || string(b) != tt.body {
				t.Fatalf("body %d bytes (%v), want %d bytes; intact=%v", len(b), err, len(tt.body), string(b) == tt.body)
			}
		})
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func TestAppResponseDate(t *testing.T) {
	raw, _ := respondTo(t, get11, func(t *testing.T, w http.ResponseWriter) {})
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw)), nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil || time.Since(d).Abs() > time.Minute {
		t.Fatalf("Date %q (%v), want now", resp.Header.Get("Date"), err)
	}

	const fixed = "Mon, 02 Jan 2006 15:04:05 GMT"
	raw, _ = respondTo(t, get11, func(t *testing.T, w http.ResponseWriter) { w.Header().Set("Date", fixed) })
	resp, err = http.ReadResponse(bufio.NewReader(strings.NewReader(raw)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Values("Date"); len(got) != 1 || got[0] != fixed {
		t.Fatalf("Date %q, want the handler's own only", got)
	}
}

// An informational answer (103 Early Hints) goes out before the final one.
func TestAppResponseEarlyHintsPrecedeAnswer(t *testing.T) {
	raw, _ := respondTo(t, get11, func(t *testing.T, w http.ResponseWriter) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		writeAll(t, w, "hello", 5)
	})
	const hints = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
	if !strings.HasPrefix(raw, hints) {
		t.Fatalf("answer %q does not start with the hints", raw)
	}
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(strings.TrimPrefix(raw, hints))), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("final answer after the hints: %v %v", resp, err)
	}
}

func TestAppResponseWriteAfterFinishFails(t *testing.T) {
	_, w := respondTo(t, get11, func(t *testing.T, w http.ResponseWriter) { writeAll(t, w, "hello", 5) })
	if _, err := w.Write([]byte("late")); !errors.Is(err, errFinished) {
		t.Fatalf("Write after finish: %v, want errFinished", err)
	}
}

// A short answer the handler finished goes out with its Content-Length for
// HEAD as for GET (RFC 9110 section 9.3.2: the same header fields), as
// net/http's server did: `curl -I http://127.0.0.1:3128/status.json` shows
// the length of what GET would return.
func TestAppResponseHeadAnnouncesMeasuredLength(t *testing.T) {
	raw, _ := respondTo(t, head11, func(t *testing.T, w http.ResponseWriter) { writeAll(t, w, "hello", 5) })
	headText, rest, _ := strings.Cut(raw, "\r\n\r\n")
	if rest != "" || !containsLine(strings.Split(headText, "\r\n"), "Content-Length: 5") {
		t.Fatalf("HEAD answer %q, want Content-Length: 5 and no body", raw)
	}
}

// Hijack hands over what the app already sent after the request (the first
// bytes of a TLS handshake after a CONNECT).
func TestAppResponseHijackHandsOverBufferedBytes(t *testing.T) {
	c, app, req := pipeConn(t, "CONNECT origin.example:443 HTTP/1.1\r\nHost: origin.example:443\r\n\r\nhello")
	w := newResponse(c, req)
	nc, rw, err := w.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	if nc != c.nc {
		t.Fatal("Hijack returned another connection")
	}
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, 5)
	if _, err := io.ReadFull(rw.Reader, got); err != nil || string(got) != "hello" {
		t.Fatalf("read %q, %v; want the bytes sent after the request", got, err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, http.ErrHijacked) {
		t.Fatalf("Write after Hijack: %v, want ErrHijacked", err)
	}
	if _, _, err := w.Hijack(); !errors.Is(err, http.ErrHijacked) {
		t.Fatalf("second Hijack: %v, want ErrHijacked", err)
	}
	// The connection is the handler's now: it carries bytes both ways.
	go func() { _, _ = io.WriteString(nc, "back") }()
	back := make([]byte, 4)
	if _, err := io.ReadFull(app, back); err != nil || string(back) != "back" {
		t.Fatalf("app read %q, %v", back, err)
	}
}

// A byte the watch read while the request waited (the app sent more after
// the request) is not lost when the handler takes the connection over.
func TestAppResponseHijackKeepsWatchedByte(t *testing.T) {
	c, app, req := pipeConn(t, "CONNECT origin.example:443 HTTP/1.1\r\nHost: origin.example:443\r\n\r\n")
	c.cr.arm()
	// net.Pipe's Write returns once the bytes are read: by the watch, which
	// starts watchAfter after arm.
	if _, err := io.WriteString(app, "Z"); err != nil {
		t.Fatal(err)
	}
	w := newResponse(c, req)
	nc, rw, err := w.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := rw.Reader.ReadByte(); err != nil || b != 'Z' {
		t.Fatalf("read %q, %v; want the byte the watch took", b, err)
	}
	if err := c.ctx.Err(); err != nil {
		t.Fatalf("the request was cancelled: %v", err)
	}
}
