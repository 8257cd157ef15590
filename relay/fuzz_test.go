package relay

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"
)

// FuzzParentResponse feeds arbitrary bytes to ferry as a parent's answer:
// it must come back as a response or as a classified *Error, never a panic
// or a hang.
func FuzzParentResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.0 200\r\n\r\nbody",
		"garbage",
		"",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := net.Pipe()
		defer a.Close()
		go func() {
			_, _ = b.Write(data)
			b.Close()
		}()
		u := newUpstream("parent.example:8080", &settings{log: slog.New(slog.NewTextHandler(io.Discard, nil)), headerTimeout: time.Second, maxIdle: 1})
		c := newUpConn(a)
		resp, err := u.readResponse(context.Background(), c, "GET")
		if err != nil {
			var e *Error
			var stale *staleConnError
			if !errors.As(err, &e) && !errors.As(err, &stale) {
				t.Fatalf("unclassified error %T: %v", err, err)
			}
			return
		}
		drain(c, resp, time.Second)
	})
}

// FuzzNoProxy: any pattern list either compiles or says why, and matching
// any host never panics.
func FuzzNoProxy(f *testing.F) {
	f.Add("localhost,*.corp.example,10.0.0.0/8,127.0.0.*", "git.corp.example")
	f.Add(".example,[,::1/128", "[::1]")
	f.Fuzz(func(t *testing.T, patterns, host string) {
		n, err := ParseNoProxy(strings.Split(patterns, ","))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "no_proxy ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		n.Match(host)
	})
}
