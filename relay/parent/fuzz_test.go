package parent

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/hop"
	"github.com/ferryproxy/ferry/relay/failure"
)

// FuzzParentResponse feeds arbitrary bytes to ferry as a parent's answer:
// it must come back as a response or as a classified *failure.Error, never a panic
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
		u := New(Config{Addr: "parent.example:8080", ResponseHeaderTimeout: time.Second, MaxIdle: 1})
		c := newUpConn(a)
		resp, err := u.readResponse(context.Background(), c, "GET")
		if err != nil {
			var e *failure.Error
			var stale *staleConnError
			if !errors.As(err, &e) && !errors.As(err, &stale) {
				t.Fatalf("unclassified error %T: %v", err, err)
			}
			return
		}
		drain(c, resp, time.Second)
	})
}

// FuzzOutgoingRequest parses arbitrary bytes as an app's request (as
// net/http's server does) and writes it for a parent the way ferry does:
// what reaches the parent must parse as one request with the same method
// and target, carry none of the app's hop-by-hop or proxy credentials
// headers, and nothing the app sent may split the head.
func FuzzOutgoingRequest(f *testing.F) {
	for _, s := range []string{
		"GET http://o.example/ HTTP/1.1\r\nHost: o.example\r\nProxy-Authorization: Basic eDp5\r\n\r\n",
		"POST http://o.example/up HTTP/1.1\r\nHost: o.example\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc",
		"GET http://o.example/ HTTP/1.0\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nProxy-Connection: keep-alive\r\n\r\n",
		"GET http://o.example/ws HTTP/1.1\r\nHost: o.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
		"PUT http://o.example/ HTTP/1.1\r\nHost: o.example\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(data)))
		if err != nil || !r.URL.IsAbs() {
			return
		}
		o := NewRequest(r, http.Header{"X-Corp": {"1"}}, "")
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		if err := o.writeHead(w, "Basic ferry", false); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		out, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(buf.Bytes())))
		if err != nil {
			t.Fatalf("ferry wrote a head the parent cannot parse: %v\n%q", err, buf.String())
		}
		if out.Method != r.Method || out.RequestURI != o.target {
			t.Fatalf("request line changed: %s %s, want %s %s", out.Method, out.RequestURI, r.Method, o.target)
		}
		if got := out.Header.Values("Proxy-Authorization"); len(got) != 1 || got[0] != "Basic ferry" {
			t.Fatalf("Proxy-Authorization at the parent: %q, want only ferry's", got)
		}
		for name := range out.Header {
			if o.upgrade != "" && (name == "Connection" || name == "Upgrade") {
				continue // carried on on purpose
			}
			if name != "Proxy-Authorization" && hop.Is(name) {
				t.Fatalf("hop-by-hop header %s reached the parent:\n%q", name, buf.String())
			}
			if slices.Contains(o.listed, name) {
				t.Fatalf("%s, listed in the app's Connection header, reached the parent", name)
			}
		}
		if out.Header.Get("X-Corp") != "1" {
			t.Fatal("configured header missing")
		}
	})
}
