package parent

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/failure"
)

// answering is a parent without credentials that answers one request on
// each connection with answer and then closes it.
func answering(t *testing.T, answer string) string {
	return testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(c net.Conn, _ *http.Request) { _, _ = io.WriteString(c, answer) }
	}).Addr
}

// TestDialContextKeepsBytesAfter200: what the parent sent right after its
// 200 (a server that speaks first, in the same segment) is the tunnel's
// first bytes, not lost in the client's buffer.
func TestDialContextKeepsBytesAfter200(t *testing.T) {
	addr := answering(t, "HTTP/1.1 200 Connection established\r\n\r\nSSH-2.0-OpenSSH_9.2\r\n")
	u := New(Config{Addr: addr})
	c, err := u.DialContext(context.Background(), "tcp", "git.example:22")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second)) // fail, not hang
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "SSH-2.0-OpenSSH_9.2\r\n" {
		t.Fatalf("first line through the tunnel: %q, %v", line, err)
	}
}

// TestDialContextRefusalIsTyped: a parent's refusal of the tunnel comes back
// as a *failure.Error naming its status.
func TestDialContextRefusalIsTyped(t *testing.T) {
	for _, tc := range []struct {
		status string
		cause  failure.Cause
	}{
		{"403 Forbidden", failure.ParentError},
		{"502 Bad Gateway", failure.OriginUnreachable},
	} {
		addr := answering(t, "HTTP/1.1 "+tc.status+"\r\nContent-Length: 4\r\n\r\nnope")
		_, err := New(Config{Addr: addr}).DialContext(context.Background(), "tcp", "blocked.example:443")
		var e *failure.Error
		if !errors.As(err, &e) || e.Cause != tc.cause || !strings.Contains(e.What, tc.status) {
			t.Errorf("%s: err %v (%T), want a *failure.Error with cause %s naming the status", tc.status, err, err, tc.cause)
		}
	}
	_, err := New(Config{Addr: "127.0.0.1:1"}).DialContext(context.Background(), "udp", "dns.example:53")
	var e *failure.Error
	if !errors.As(err, &e) || e.Cause != failure.BadRequest {
		t.Errorf("udp: err %v, want a BadRequest *failure.Error", err)
	}
}

// TestRoundTripPoolsOnlyReadBodies: a response read to its end gives the
// connection back to the pool; one closed early closes it (its rest is
// never read); an https:// URL is refused with a typed error, and the
// request's body is closed all the same.
func TestRoundTripPoolsOnlyReadBodies(t *testing.T) {
	// An open FakeParent answers "hello GET URL body=0" and keeps the
	// connection.
	u := New(Config{Addr: testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true }).Addr})
	defer u.Retire()
	c := &http.Client{Transport: u}
	resp, err := c.Get("http://o.example/")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "hello GET http://o.example/ body=0" {
		t.Fatalf("body %q", b)
	}
	resp.Body.Close()
	if st := u.Stats(); st.Idle != 1 {
		t.Fatalf("%d idle after a body read to its end, want 1", st.Idle)
	}
	resp, err = c.Get("http://o.example/")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = resp.Body.Read(make([]byte, 3))
	resp.Body.Close()
	if st := u.Stats(); st.Idle != 0 || st.Dials != 1 {
		t.Fatalf("%d idle, %d dials after a body closed early; want 0 idle (it was closed) and the first connection reused", st.Idle, st.Dials)
	}

	body := &closeCounter{Reader: strings.NewReader("x")}
	req, _ := http.NewRequest(http.MethodPost, "https://o.example/", body)
	_, err = u.RoundTrip(req)
	var e *failure.Error
	if !errors.As(err, &e) || e.Cause != failure.BadRequest {
		t.Errorf("https:// URL: err %v, want a BadRequest *failure.Error", err)
	}
	if body.closed != 1 {
		t.Errorf("request body closed %d times, want 1", body.closed)
	}
}

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }
