package httpserve

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"
)

// FuzzAppConn feeds arbitrary bytes to ferry's app-side HTTP/1.1 server, as
// an app (or anything that connects to the listener) could send them. The
// server must not panic, and what it writes back must parse as a sequence of
// well-formed responses: one per request the handler saw, with the bytes
// the handler wrote, whatever framing ferry chose, and no header the
// request could have injected.
func FuzzAppConn(f *testing.F) {
	for _, s := range []string{
		"GET http://o.example/a HTTP/1.1\r\nHost: o.example\r\n\r\nGET http://o.example/b HTTP/1.1\r\nHost: o.example\r\n\r\n",
		"POST http://o.example/up HTTP/1.1\r\nHost: o.example\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
		"PUT http://o.example/ HTTP/1.1\r\nHost: o.example\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"GET http://o.example/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET http://o.example/2 HTTP/1.0\r\n\r\n",
		"HEAD http://o.example/ HTTP/1.1\r\nHost: o.example\r\n\r\n",
		"GET http://o.example/%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: o.example\r\n\r\n",
		"GET / HTTP/2.0\r\n\r\n",
		"GET http://o.example/0%00 HTTP/1.0\r\n\r\n",
		"GARBAGE\r\n\r\n",
		"POST http://o.example/ HTTP/1.1\r\nHost: o.example\r\nExpect: nope\r\nContent-Length: 1\r\n\r\nx",
		// Smuggling attempts (RFC 9112 section 6.1): both framings, and
		// Transfer-Encoding in HTTP/1.0.
		"POST http://o.example/ HTTP/1.1\r\nHost: o.example\r\nContent-Length: 30\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET http://o.example/s HTTP/1.1\r\nHost: o.example\r\n\r\n",
		"POST http://o.example/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET http://o.example/s HTTP/1.0\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	ln := fuzzListener(f)
	s := &Server{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options: Options{IdleTimeout: time.Second, HeaderTimeout: time.Second, MaxHeaderBytes: 4 << 10}}
	var seen []string // bodies the handler wrote, in order; one fuzz input at a time
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		w.Header().Set("X-Path", r.URL.Path)
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNoContent)
			seen = append(seen, "")
			return
		}
		out := []byte(r.Method + " " + strconv.Itoa(len(body)) + " ")
		out = append(out, bytes.Repeat([]byte("x"), len(body)%5000)...)
		switch len(body) % 3 {
		case 0:
			w.Header().Set("Content-Length", strconv.Itoa(len(out)))
			_, _ = w.Write(out)
		case 1:
			_, _ = w.Write(out[:len(out)/2])
			http.NewResponseController(w).Flush()
			_, _ = w.Write(out[len(out)/2:])
		default:
			_, _ = w.Write(out)
		}
		seen = append(seen, string(out))
	})
	s.Handler = handler
	f.Fuzz(func(t *testing.T, data []byte) {
		seen = seen[:0]
		cc, err := net.Dial(ln.Addr().Network(), ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer cc.Close()
		sc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.ServeConn(sc, nil)
		}()
		go func() {
			_, _ = cc.Write(data)
			_ = cc.(interface{ CloseWrite() error }).CloseWrite()
		}()
		_ = cc.SetReadDeadline(time.Now().Add(10 * time.Second))
		out, err := io.ReadAll(cc)
		if err != nil {
			t.Fatalf("reading ferry's answers: %v", err)
		}
		<-done
		br := bufio.NewReader(bytes.NewReader(out))
		var bodies []string
		for {
			if _, err := br.Peek(1); err == io.EOF {
				break
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("ferry wrote something that is not a response: %v\n%q", err, out)
			}
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("response body: %v\n%q", err, out)
			}
			if _, ok := resp.Header["X-Injected"]; ok {
				t.Fatalf("a request injected a response header:\n%q", out)
			}
			switch {
			case resp.StatusCode == http.StatusContinue:
			case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNoContent:
				bodies = append(bodies, string(b))
			case resp.StatusCode >= 400 && resp.StatusCode < 600:
				if !resp.Close {
					t.Fatalf("an error answer (%d) that does not close the connection:\n%q", resp.StatusCode, out)
				}
			default:
				t.Fatalf("unexpected status %d:\n%q", resp.StatusCode, out)
			}
		}
		if !slices.Equal(bodies, seen) {
			t.Fatalf("the app got bodies %q, the handler wrote %q\n%q", bodies, seen, out)
		}
	})
}

// fuzzListener is where each fuzz input's connection is made: a Unix socket
// where there is one. Over loopback TCP every input left a socket in
// TIME-WAIT, over 80,000 of them in a 30-second run, most of the machine's
// ephemeral ports, which end-to-end tests run at the same time also need.
// Windows (and Wine) keep TCP; there only the seed corpus runs.
func fuzzListener(f *testing.F) net.Listener {
	if runtime.GOOS != "windows" {
		dir, err := os.MkdirTemp("", "ferry-fuzz")
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { os.RemoveAll(dir) })
		ln, err := net.Listen("unix", filepath.Join(dir, "s"))
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { ln.Close() })
		return ln
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ln.Close() })
	return ln
}
