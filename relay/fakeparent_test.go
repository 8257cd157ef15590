package relay

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeParent is a hand-written parent proxy for fault injection. It wants
// Basic credentials alice:secret (unless open), answers absolute-form
// requests itself and echoes inside CONNECT tunnels. The happy path against
// a real parent is tested with squid in e2e/.
type fakeParent struct {
	ln   net.Listener
	open bool
	// misbehaviour
	closeOn407 bool          // Connection: close on every 407
	garbage    bool          // answer with a non-HTTP line
	stall      bool          // read the request, never answer
	idleClose  time.Duration // close a connection idle this long
	closeAfter time.Duration // close this long after each answer, saying nothing (tinyproxy)
	alwaysDeny bool          // 407 even for the right credentials
	refuse401  bool          // wrong credentials get 401 + WWW-Authenticate, as tinyproxy does
	// digest challenges with Digest (a new nonce per 407) and takes any
	// Digest header, as a parent whose nonces may go stale.
	digest bool
	// onHead, if set, sees each request before its body is read; it
	// returns true when it answered and the connection is done.
	onHead func(c net.Conn, br *bufio.Reader, req *http.Request) bool
	// custom, if set, answers an authenticated request instead of the
	// default; the connection closes after it.
	custom func(c net.Conn, req *http.Request)

	conns        atomic.Int64
	failedLogons atomic.Int64
	bodyErrors   atomic.Int64 // request bodies that ended early
	mu           sync.Mutex
	seen         []*http.Request
	bodies       []string
}

func startFakeParent(t testing.TB, setup func(*fakeParent)) *fakeParent {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeParent{ln: ln}
	if setup != nil {
		setup(p)
	}
	var wg sync.WaitGroup
	var connsMu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connsMu.Lock()
			conns = append(conns, c)
			connsMu.Unlock()
			p.conns.Add(1)
			wg.Add(1)
			go func() { defer wg.Done(); p.serve(c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		connsMu.Lock()
		for _, c := range conns {
			c.Close()
		}
		connsMu.Unlock()
		wg.Wait()
	})
	return p
}

func (p *fakeParent) addr() string { return p.ln.Addr().String() }

var goodBasic = "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:secret"))

func (p *fakeParent) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		if p.idleClose > 0 {
			_ = c.SetReadDeadline(time.Now().Add(p.idleClose))
		}
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_ = c.SetReadDeadline(time.Time{})
		if p.onHead != nil && p.onHead(c, br, req) {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			p.bodyErrors.Add(1)
			return
		}
		p.mu.Lock()
		p.seen = append(p.seen, req)
		p.bodies = append(p.bodies, string(body))
		p.mu.Unlock()
		switch {
		case p.stall:
			_, _ = io.Copy(io.Discard, br)
			return
		case p.garbage:
			_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n")
			return
		}
		if !p.open {
			got := req.Header.Get("Proxy-Authorization")
			good := got == goodBasic || p.digest && strings.HasPrefix(got, "Digest ")
			if !good || p.alwaysDeny {
				if got != "" {
					p.failedLogons.Add(1)
				}
				if got != "" && p.refuse401 {
					fmt.Fprintf(c, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"fake\"\r\nContent-Length: 0\r\n\r\n")
					continue
				}
				page := strings.Repeat("<p>access denied</p>", 150) // ~3 KB like squid
				conn := ""
				if p.closeOn407 {
					conn = "Connection: close\r\n"
				}
				challenge := `Basic realm="fake"`
				if p.digest {
					challenge = fmt.Sprintf(`Digest realm="fake", nonce="n%d", qop="auth"`, time.Now().UnixNano())
				}
				fmt.Fprintf(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: %s\r\n%sContent-Length: %d\r\n\r\n%s", challenge, conn, len(page), page)
				if p.closeOn407 {
					return
				}
				continue
			}
		}
		if p.custom != nil {
			p.custom(c, req)
			return
		}
		if req.Method == http.MethodConnect {
			_, _ = io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
			// Echo through a buffer: a splice would hold a pipe per tunnel
			// in this process and blur the relay's descriptor count.
			_, _ = io.Copy(c, struct{ io.Reader }{br})
			return
		}
		msg := fmt.Sprintf("hello %s %s body=%d", req.Method, req.URL.String(), len(body))
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(msg), msg)
		if p.closeAfter > 0 {
			time.Sleep(p.closeAfter)
			return
		}
	}
}

func (p *fakeParent) requests() []*http.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*http.Request(nil), p.seen...)
}
