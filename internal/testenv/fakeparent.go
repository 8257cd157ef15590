package testenv

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
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

// FakeParent is ferry's one hand-written parent proxy, on 127.0.0.1, for
// fault injection and for unit tests that cannot have squid. It wants Basic
// credentials for User and Password (alice and secret unless set; none when
// Open), answers absolute-form requests itself with "hello METHOD URL
// body=N", and echoes inside CONNECT tunnels. Its fields switch on the
// faults a real parent will not produce on demand. The happy path against a
// real parent is tested with squid (StartSquid) in e2e/.
type FakeParent struct {
	Addr string // 127.0.0.1:PORT, set by StartFakeParent

	User, Password string // the Basic credentials it wants
	Open           bool   // wants no credentials at all

	// Faults.
	CloseOn407 bool          // Connection: close on every 407
	Garbage    bool          // answer with a non-HTTP line
	Stall      bool          // read the request, never answer
	IdleClose  time.Duration // close a connection idle this long
	CloseAfter time.Duration // close this long after each answer, saying nothing (tinyproxy)
	AlwaysDeny bool          // 407 even for the right credentials
	Refuse401  bool          // wrong credentials get 401 + WWW-Authenticate, as tinyproxy does
	// Digest challenges with Digest (a new nonce per 407) and takes any
	// Digest header, as a parent whose nonces may go stale.
	Digest bool
	// NTLM challenges with NTLM: a type 1 message gets a 407 carrying a
	// well-formed type 2 challenge, and any type 3 passes (on that
	// connection, as NTLM logs on a connection).
	NTLM bool
	// OnHead, if set, sees each request before its body is read; it
	// returns true when it answered and the connection is done.
	OnHead func(c net.Conn, br *bufio.Reader, req *http.Request) bool
	// Custom, if set, answers an authenticated request instead of the
	// default; the connection closes after it.
	Custom func(c net.Conn, req *http.Request)

	conns, failedLogons, attempts, bodyErrors atomic.Int64

	ntlmChallenge string // the type 2 message NTLM answers with, base64

	mu     sync.Mutex
	seen   []*http.Request
	bodies []string
}

// StartFakeParent starts a FakeParent, stopped when the test ends; setup,
// if set, switches its faults on before it accepts anything.
func StartFakeParent(t testing.TB, setup func(*FakeParent)) *FakeParent {
	t.Helper()
	p := &FakeParent{User: "alice", Password: "secret"}
	if setup != nil {
		setup(p)
	}
	if p.NTLM {
		p.ntlmChallenge = fakeNTLMChallenge(t)
	}
	p.Addr = ServeTCP(t, func(c net.Conn) {
		p.conns.Add(1)
		p.serve(c)
	})
	return p
}

// Conns counts the connections the parent accepted.
func (p *FakeParent) Conns() int64 { return p.conns.Load() }

// FailedLogons counts the requests whose credentials it refused.
func (p *FakeParent) FailedLogons() int64 { return p.failedLogons.Load() }

// Attempts counts the requests that carried Proxy-Authorization, right or
// wrong: the logons a lockout policy would count.
func (p *FakeParent) Attempts() int64 { return p.attempts.Load() }

// BodyErrors counts the request bodies that ended early.
func (p *FakeParent) BodyErrors() int64 { return p.bodyErrors.Load() }

// Requests returns the requests it read whole, in order.
func (p *FakeParent) Requests() []*http.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*http.Request(nil), p.seen...)
}

// Bodies returns the bodies of Requests.
func (p *FakeParent) Bodies() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.bodies...)
}

func (p *FakeParent) serve(c net.Conn) {
	br := bufio.NewReader(c)
	good := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.User+":"+p.Password))
	for {
		if p.IdleClose > 0 {
			_ = c.SetReadDeadline(time.Now().Add(p.IdleClose))
		}
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_ = c.SetReadDeadline(time.Time{})
		if p.OnHead != nil && p.OnHead(c, br, req) {
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
		case p.Stall:
			_, _ = io.Copy(io.Discard, br)
			return
		case p.Garbage:
			_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n")
			return
		}
		if !p.Open {
			got := req.Header.Get("Proxy-Authorization")
			ntlmType := 0
			if p.NTLM {
				ntlmType = ntlmMessageType(got)
			}
			if got != "" && ntlmType != 1 {
				p.attempts.Add(1)
			}
			ok := got == good || p.Digest && strings.HasPrefix(got, "Digest ") || ntlmType == 3
			if !ok || p.AlwaysDeny {
				if got != "" && ntlmType != 1 {
					p.failedLogons.Add(1)
				}
				if got != "" && p.Refuse401 {
					fmt.Fprintf(c, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"fake\"\r\nContent-Length: 0\r\n\r\n")
					continue
				}
				page := strings.Repeat("<p>access denied</p>", 150) // ~3 KB like squid
				conn := ""
				if p.CloseOn407 {
					conn = "Connection: close\r\n"
				}
				challenge := `Basic realm="fake"`
				switch {
				case p.Digest:
					challenge = fmt.Sprintf(`Digest realm="fake", nonce="n%d", qop="auth"`, time.Now().UnixNano())
				case p.NTLM && ntlmType == 1:
					challenge = "NTLM " + p.ntlmChallenge
				case p.NTLM:
					challenge = "NTLM"
				}
				fmt.Fprintf(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: %s\r\n%sContent-Length: %d\r\n\r\n%s", challenge, conn, len(page), page)
				if p.CloseOn407 {
					return
				}
				continue
			}
		}
		if p.Custom != nil {
			p.Custom(c, req)
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
		if p.CloseAfter > 0 {
			time.Sleep(p.CloseAfter)
			return
		}
	}
}

// ntlmMessageType is the NTLMSSP message type (1, 2 or 3) of an "NTLM"
// Proxy-Authorization value, or 0.
func ntlmMessageType(header string) int {
	tok, ok := strings.CutPrefix(header, "NTLM ")
	if !ok {
		return 0
	}
	msg, err := base64.StdEncoding.DecodeString(strings.TrimSpace(tok))
	if err != nil || len(msg) < 12 || string(msg[:8]) != "NTLMSSP\x00" {
		return 0
	}
	return int(binary.LittleEndian.Uint32(msg[8:12]))
}

// PostUnresendable POSTs to http://origin.example/up through c a body of
// unknown length (sent chunked), n bytes of "x" and then "tail", that
// cannot be read again: with n at relay/parent's ReplayLimit it is too big
// to be kept for a resend. It returns the status and the answer's body.
func PostUnresendable(t testing.TB, c *http.Client, n int) (int, string) {
	t.Helper()
	body := io.MultiReader(strings.NewReader(strings.Repeat("x", n)), strings.NewReader("tail"))
	resp, err := c.Post("http://origin.example/up", "text/plain", body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b)
}
