package relay

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/parent"
)

// A parent that misbehaves in the middle of an answer, on a new connection
// (after the 407 of the logon on it) and on a pooled, logged-on one: each fault below is one a real parent
// shows under load or when it crashes (README "When something goes wrong",
// docs/routing.md "When a parent is dead"). For each, the app gets the
// documented answer, the connection the fault came on is not pooled again
// (the next request gets a clean answer), and nothing is left behind
// (checkLeaks).

// midFault answers the request for http://origin.example/fault; it returns
// when the connection is done with.
type midFault func(c net.Conn, br *bufio.Reader, req *http.Request)

// startFaultParent is a FakeParent wanting Basic credentials that answers
// the logged-on request for /fault with fault, and every other request as
// usual. waited is closed when a fault that waits for ferry to hang up saw
// it do so (stall).
func startFaultParent(t *testing.T, fault midFault) *testenv.FakeParent {
	return testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
			if req.URL.Path != "/fault" || req.Header.Get("Proxy-Authorization") == "" {
				return false
			}
			fault(c, br, req)
			return true
		}
	})
}

// stall reads what ferry sends until ferry hangs up: silence that only
// ferry's timeouts can end. hungUp is closed then.
func stall(hungUp chan struct{}) func(net.Conn, *bufio.Reader) {
	return func(_ net.Conn, br *bufio.Reader) {
		_, _ = io.Copy(io.Discard, br)
		close(hungUp)
	}
}

// writeThen writes s and then does after (nil: closes at once).
func writeThen(s string, after func(net.Conn, *bufio.Reader)) midFault {
	return func(c net.Conn, br *bufio.Reader, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		_, _ = io.WriteString(c, s)
		if after != nil {
			after(c, br)
		}
	}
}

func TestMidStreamParentFaultsOnGET(t *testing.T) {
	type want struct {
		status int    // the app's status; 0: a 200 whose body is cut off
		proxy  string // in Proxy-Status
		words  string // in the answer's body
	}
	cases := []struct {
		name  string
		fault func(hungUp chan struct{}) midFault
		want  want
	}{
		{"close after status line", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\n", nil)
		}, want{502, "error=", "closed the connection in the middle of its response head"}},
		{"close mid-headers", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\nContent-Type: te", nil)
		}, want{502, "error=", "closed the connection in the middle of its response head"}},
		{"close mid-header name", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\nContent-Ty", nil)
		}, want{502, "error=connection_terminated", "closed the connection in the middle of its response head"}},
		{"close mid-body with Content-Length", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial", nil)
		}, want{0, "", "partial"}},
		{"close mid-body chunked", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n", nil)
		}, want{0, "", "partial"}},
		{"close mid-chunk", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\npartial", nil)
		}, want{0, "", "partial"}},
		{"bad chunk size mid-body", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\nzz\r\n", func(net.Conn, *bufio.Reader) {})
		}, want{0, "", "partial"}},
		{"Content-Length and chunked", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nchunked\r\n0\r\n\r\n", func(net.Conn, *bufio.Reader) {})
		}, want{200, "", "chunked"}},
		{"stall before the head", func(h chan struct{}) midFault {
			return writeThen("", stall(h))
		}, want{504, "error=connection_timeout", "did not answer within"}},
		{"stall after the head", func(h chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", stall(h))
		}, want{504, "error=connection_timeout", "sent a response head and then nothing"}},
		{"stall mid-body", func(h chan struct{}) midFault {
			return writeThen("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n", stall(h))
		}, want{0, "", "partial"}},
		{"HTTP/0.9", func(chan struct{}) midFault {
			return writeThen("<html>hello</html>\n", nil)
		}, want{502, "error=http_protocol_error", "not an HTTP response"}},
		{"100 Continue then close", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 100 Continue\r\n\r\n", nil)
		}, want{502, "error=", "closed the connection"}},
		{"100 Continue then stall", func(h chan struct{}) midFault {
			return writeThen("HTTP/1.1 100 Continue\r\n\r\n", stall(h))
		}, want{504, "error=connection_timeout", "did not answer within"}},
		{"unasked 100 Continue twice, 103, then the answer", func(chan struct{}) midFault {
			return writeThen("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", func(net.Conn, *bufio.Reader) {})
		}, want{200, "", "ok"}},
	}
	for _, tc := range cases {
		for _, pooled := range []bool{false, true} {
			name := tc.name + "/fresh"
			if pooled {
				name = tc.name + "/pooled"
			}
			t.Run(name, func(t *testing.T) {
				checkLeaks(t)
				hungUp := make(chan struct{})
				p := startFaultParent(t, tc.fault(hungUp))
				s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret"),
					ResponseHeaderTimeout: 300 * time.Millisecond, ConnectTimeout: 300 * time.Millisecond})
				c := closingClient(t, proxy)
				if pooled {
					if resp, body := get(t, c, "http://origin.example/warm"); resp.StatusCode != 200 {
						t.Fatalf("warm-up: %d %q", resp.StatusCode, body)
					}
					waitPooled(t, s)
				}
				start := time.Now()
				resp, err := c.Get("http://origin.example/fault")
				if st := s.Upstreams()[0].Stats(); !st.Up {
					// docs/routing.md "When a parent is dead": a connection
					// the parent has answered on (its 407 on a new one, or
					// a pooled one) never shows it dead: a fault there is
					// the answer's.
					t.Fatalf("a fault on a connection the parent had answered on marked it down: %s", st.LastError)
				}
				if err != nil {
					t.Fatal(err)
				}
				b, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				took := time.Since(start)
				switch {
				case tc.want.status == 0:
					if resp.StatusCode != 200 || rerr == nil || string(b) != tc.want.words {
						t.Fatalf("got %d %q (read error %v): want the 200, its partial body, and then the connection aborted", resp.StatusCode, b, rerr)
					}
				default:
					if resp.StatusCode != tc.want.status || !strings.Contains(resp.Header.Get("Proxy-Status"), tc.want.proxy) ||
						!strings.Contains(string(b), tc.want.words) || rerr != nil {
						t.Fatalf("got %d Proxy-Status %q %q (%v), want %d %q with %q", resp.StatusCode, resp.Header.Get("Proxy-Status"), b, rerr,
							tc.want.status, tc.want.proxy, tc.want.words)
					}
				}
				if took > 5*time.Second {
					t.Fatalf("the answer took %s: the timeouts are 300 ms", took)
				}
				if strings.Contains(tc.name, "stall") {
					select {
					case <-hungUp:
					case <-time.After(5 * time.Second):
						t.Fatal("ferry kept the stalled parent connection open")
					}
				}
				// The next request gets its own clean answer: the faulty
				// connection was not pooled.
				if resp, body := get(t, c, "http://origin.example/after"); resp.StatusCode != 200 || body != "hello GET http://origin.example/after body=0" {
					t.Fatalf("the request after the fault got %d %q", resp.StatusCode, body)
				}
				if st := s.Upstreams()[0].Stats(); st.Idle > 1 {
					t.Fatalf("%d pooled connections after one request at a time", st.Idle)
				}
			})
		}
	}
}

// The same faults on an upload, on a pooled connection (the parent closed
// it, or crashed, while ferry sent the body). README "How it works": a body
// up to 64 KiB is sent again after a pooled connection the parent closed
// before answering; a larger one is never sent twice, and the app gets the
// error instead. A body the parent answered (even with half a head) is
// never sent again.
func TestMidStreamParentFaultsOnPOST(t *testing.T) {
	small := strings.Repeat("s", 1000)
	large := strings.Repeat("L", 100<<10) // past parent.ReplayLimit
	type tcase struct {
		name string
		body string
		// fault answers the n-th logged-on /fault request (from 1); it
		// returns false to let the parent answer it as usual.
		fault func(n int, c net.Conn, br *bufio.Reader, req *http.Request, hungUp chan struct{}) bool
		// status is what the app gets (0: a 200 cut off); bodies how many
		// times the whole body reached the parent.
		status int
		words  string
		bodies int
	}
	readAll := func(req *http.Request) bool { _, err := io.Copy(io.Discard, req.Body); return err == nil }
	cases := []tcase{
		{"whole body taken, closed unanswered", small, func(n int, c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) bool {
			if n > 1 {
				return false
			}
			readAll(req)
			return true
		}, 200, "body=1000", 2},
		{"large body taken, closed unanswered", large, func(n int, c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) bool {
			if n > 1 {
				return false
			}
			readAll(req)
			return true
		}, 502, "closed the connection before answering", 1},
		{"half the large body taken, reset", large, func(n int, c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) bool {
			if n > 1 {
				return false
			}
			_, _ = io.CopyN(io.Discard, req.Body, 50<<10)
			_ = c.(*net.TCPConn).SetLinger(0)
			return true
		}, 502, "127.0.0.1", 0},
		{"half a head after the body", small, func(n int, c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) bool {
			if n > 1 {
				return false
			}
			readAll(req)
			_, _ = io.WriteString(c, "HTTP/1.1 201 Created\r\nContent-Ty")
			return true
		}, 502, "in the middle of its response head", 1},
		{"body cut after the head", large, func(n int, c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) bool {
			readAll(req)
			_, _ = io.WriteString(c, "HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\nstored")
			return true
		}, 0, "stored", 1},
		{"answered before the body was read", large, func(n int, c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) bool {
			_, _ = io.WriteString(c, "HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 8\r\n\r\ntoo big!")
			return true
		}, 413, "too big!", 0},
		{"unasked 100 Continue, then the answer", small, func(n int, c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) bool {
			_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
			return false
		}, 200, "body=1000", 1},
		{"stall after the body", small, func(n int, c net.Conn, br *bufio.Reader, req *http.Request, hungUp chan struct{}) bool {
			readAll(req)
			stall(hungUp)(c, br)
			return true
		}, 504, "did not answer within", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			hungUp := make(chan struct{})
			var mu sync.Mutex
			n, whole := 0, 0
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
					if req.URL.Path != "/fault" || req.Header.Get("Proxy-Authorization") == "" {
						return false
					}
					mu.Lock()
					n++
					k := n
					mu.Unlock()
					// Count the bodies that reach the parent whole.
					cr := &countingBody{r: req.Body}
					req.Body = cr
					done := tc.fault(k, c, br, req, hungUp)
					if done && cr.n == int64(len(tc.body)) && cr.eof {
						mu.Lock()
						whole++
						mu.Unlock()
					}
					return done
				}
			})
			s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret"),
				ResponseHeaderTimeout: 300 * time.Millisecond, SpareConnections: -1})
			warm := closingClient(t, proxy)
			if resp, body := get(t, warm, "http://origin.example/warm"); resp.StatusCode != 200 {
				t.Fatalf("warm-up: %d %q", resp.StatusCode, body)
			}
			waitPooled(t, s)
			// An app connection of its own, not kept: Go's client would
			// send the POST again by itself on a kept one that failed.
			once := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy), DisableKeepAlives: true}, Timeout: 10 * time.Second}
			var body io.Reader = strings.NewReader(tc.body)
			if len(tc.body) > 64<<10 {
				body = struct{ io.Reader }{body} // unknown length: sent chunked, cannot be read again
			}
			resp, err := once.Post("http://origin.example/fault", "text/plain", body)
			if err != nil {
				t.Fatal(err)
			}
			b, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case tc.status == 0:
				if resp.StatusCode != 201 || rerr == nil || string(b) != tc.words {
					t.Fatalf("got %d %q (read error %v): want the 201, its partial body, and then the connection aborted", resp.StatusCode, b, rerr)
				}
			case resp.StatusCode != tc.status || !strings.Contains(string(b), tc.words):
				t.Fatalf("got %d %q, want %d with %q", resp.StatusCode, b, tc.status, tc.words)
			}
			if strings.Contains(tc.name, "stall") {
				select {
				case <-hungUp:
				case <-time.After(5 * time.Second):
					t.Fatal("ferry kept the stalled parent connection open")
				}
			}
			got := 0
			for i, r := range p.Requests() {
				if r.URL.Path == "/fault" && p.Bodies()[i] == tc.body {
					got++
				}
			}
			mu.Lock()
			got += whole
			mu.Unlock()
			if got != tc.bodies {
				t.Fatalf("the whole body reached the parent %d times, want %d", got, tc.bodies)
			}
			if resp, body := get(t, warm, "http://origin.example/after"); resp.StatusCode != 200 {
				t.Fatalf("the request after the fault got %d %q", resp.StatusCode, body)
			}
			if st := s.Upstreams()[0].Stats(); st.Idle > 1 {
				t.Fatalf("%d pooled connections after one request at a time", st.Idle)
			}
		})
	}
}

// countingBody counts what the parent read of a request body.
type countingBody struct {
	r   io.ReadCloser
	n   int64
	eof bool
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *countingBody) Close() error { return b.r.Close() }

// waitPooled waits until the warm-up's parent connection is back in the
// pool: ferry puts it back after the app has its answer, so a request sent
// at once may find the pool empty and dial.
func waitPooled(t *testing.T, s *Server) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); s.Upstreams()[0].Stats().Idle == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the warm-up's connection never went back to the pool")
		}
	}
}

// The faults on a CONNECT, on a pooled logged-on connection: a tunnel the
// parent ends at once after its 200 ends for the app too, a head cut short
// or silence gets the documented status, and no tunnel or parent
// connection is left behind.
func TestMidStreamParentFaultsOnCONNECT(t *testing.T) {
	cases := []struct {
		name   string
		fault  func(hungUp chan struct{}) func(c net.Conn, br *bufio.Reader)
		status int    // what the app's CONNECT gets
		words  string // in its body, or (200) what comes through the tunnel before it ends
	}{
		{"200 then close", func(chan struct{}) func(net.Conn, *bufio.Reader) {
			return func(c net.Conn, _ *bufio.Reader) {
				_, _ = io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\nbye")
			}
		}, 200, "bye"},
		{"200 then silence", func(h chan struct{}) func(net.Conn, *bufio.Reader) {
			return func(c net.Conn, br *bufio.Reader) {
				_, _ = io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
				stall(h)(c, br)
			}
		}, 200, ""},
		{"close after the status line", func(chan struct{}) func(net.Conn, *bufio.Reader) {
			return func(c net.Conn, _ *bufio.Reader) { _, _ = io.WriteString(c, "HTTP/1.1 200 Connection established\r\n") }
		}, 502, "closed the connection in the middle of its response head"},
		{"silence", func(h chan struct{}) func(net.Conn, *bufio.Reader) { return stall(h) }, 504, "did not answer within"},
		{"not HTTP", func(chan struct{}) func(net.Conn, *bufio.Reader) {
			return func(c net.Conn, _ *bufio.Reader) { _, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n") }
		}, 502, "not an HTTP response"},
		{"100 Continue, then 200", func(chan struct{}) func(net.Conn, *bufio.Reader) {
			return func(c net.Conn, _ *bufio.Reader) {
				_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 Connection established\r\n\r\nbye")
			}
		}, 200, "bye"},
		{"403 whose body stalls", func(h chan struct{}) func(net.Conn, *bufio.Reader) {
			return func(c net.Conn, br *bufio.Reader) {
				_, _ = io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 100\r\n\r\nblocked")
				stall(h)(c, br)
			}
		}, 403, "blocked"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			hungUp := make(chan struct{})
			fault := tc.fault(hungUp)
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
					if req.Method != http.MethodConnect || req.Header.Get("Proxy-Authorization") == "" {
						return false
					}
					fault(c, br)
					return true
				}
			})
			s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret"),
				ResponseHeaderTimeout: 300 * time.Millisecond, SpareConnections: -1})
			warm := closingClient(t, proxy)
			if resp, body := get(t, warm, "http://origin.example/warm"); resp.StatusCode != 200 {
				t.Fatalf("warm-up: %d %q", resp.StatusCode, body)
			}
			waitPooled(t, s)
			c, br := rawProxy(t, proxy.Host, "CONNECT origin.example:443 HTTP/1.1\r\nHost: origin.example:443\r\n\r\n")
			resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("CONNECT got %d, want %d", resp.StatusCode, tc.status)
			}
			switch {
			case tc.status == 200 && tc.words != "":
				// The parent ended the tunnel: so does ferry, after what
				// the parent sent.
				b, err := io.ReadAll(br)
				if string(b) != tc.words || err != nil {
					t.Fatalf("the tunnel gave %q, %v: want %q and its end", b, err, tc.words)
				}
			case tc.status == 200:
				// A silent tunnel stays open (timeouts.tunnel_idle is off)
				// until the app leaves; then ferry hangs up on the parent.
				_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
				if n, err := br.Read(make([]byte, 1)); n != 0 || !isTimeout(err) {
					t.Fatalf("a silent tunnel ended: %d %v", n, err)
				}
				c.Close()
			default:
				b, _ := io.ReadAll(resp.Body)
				if !strings.Contains(string(b), tc.words) {
					t.Fatalf("CONNECT got %d %q, want %q in it", resp.StatusCode, b, tc.words)
				}
			}
			if strings.Contains(tc.name, "silence") || strings.Contains(tc.name, "stalls") {
				select {
				case <-hungUp:
				case <-time.After(5 * time.Second):
					t.Fatal("ferry kept the silent parent connection open")
				}
			}
			c.Close()
			for deadline := time.Now().Add(5 * time.Second); s.tunnels.Count() != 0; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d tunnels still open", s.tunnels.Count())
				}
			}
			if resp, body := get(t, warm, "http://origin.example/after"); resp.StatusCode != 200 {
				t.Fatalf("the request after the fault got %d %q", resp.StatusCode, body)
			}
		})
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// A parent asked for Expect: 100-continue (a body too large to send twice,
// to a Digest parent whose nonce may be stale: README "How it works") that
// answers the expectation oddly. The body is never sent twice, a broken
// answer gets the app the documented status, and the next upload works.
func TestMidStreamParentOddExpect(t *testing.T) {
	readAll := func(req *http.Request) bool { _, err := io.Copy(io.Discard, req.Body); return err == nil }
	cases := []struct {
		name string
		// fault answers the head that carries Expect: 100-continue.
		fault  func(c net.Conn, br *bufio.Reader, req *http.Request, hungUp chan struct{})
		status int
		words  string
	}{
		{"100, then the body, then a close", func(c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) {
			_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
			readAll(req)
		}, 502, "closed the connection before answering"},
		{"100, then the body, then a 407", func(c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) {
			_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
			readAll(req)
			_, _ = io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Digest realm=\"fake\", nonce=\"late\", qop=\"auth\", stale=true\r\nContent-Length: 0\r\n\r\n")
			_, _ = io.Copy(io.Discard, br)
		}, 502, "too large to send twice"},
		{"100, then silence", func(c net.Conn, br *bufio.Reader, req *http.Request, h chan struct{}) {
			_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
			stall(h)(c, br)
		}, 504, "did not answer within"},
		{"103 and 100, then the answer", func(c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) {
			_, _ = io.WriteString(c, "HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n")
			readAll(req)
			_, _ = io.WriteString(c, "HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
		}, 201, "ok"},
		{"103, then a close", func(c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) {
			_, _ = io.WriteString(c, "HTTP/1.1 103 Early Hints\r\n\r\n")
		}, 502, "closed the connection in the middle of its response head"},
		{"not HTTP", func(c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) {
			_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n")
		}, 502, "not an HTTP response"},
		{"a head cut short", func(c net.Conn, br *bufio.Reader, req *http.Request, _ chan struct{}) {
			_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\nX-Fo")
		}, 502, "in the middle of its response head"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			hungUp := make(chan struct{})
			var mu sync.Mutex
			faulted, whole := false, 0
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.Digest = true
				p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
					mu.Lock()
					first := !faulted && req.Header.Get("Expect") == "100-continue"
					faulted = faulted || first
					mu.Unlock()
					if !first {
						return false
					}
					cr := &countingBody{r: req.Body}
					req.Body = cr
					tc.fault(c, br, req, hungUp)
					if cr.eof {
						mu.Lock()
						whole++
						mu.Unlock()
					}
					return true
				}
			})
			digest, err := auth.New(auth.Config{Scheme: "digest", User: "alice", Password: "secret"})
			if err != nil {
				t.Fatal(err)
			}
			s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: digest,
				ResponseHeaderTimeout: 300 * time.Millisecond, SpareConnections: -1})
			once := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy), DisableKeepAlives: true}, Timeout: 10 * time.Second}
			// The first upload answers the parent's challenge, with a fresh
			// nonce: no Expect. The second reuses the nonce, which may have
			// gone stale: Expect.
			if status, b := testenv.PostUnresendable(t, once, parent.ReplayLimit); status != 200 {
				t.Fatalf("the first upload got %d %q", status, b)
			}
			waitPooled(t, s)
			bodiesBefore := len(p.Bodies())
			status, b := testenv.PostUnresendable(t, once, parent.ReplayLimit)
			if !faulted {
				t.Fatal("no upload went with Expect: 100-continue")
			}
			if status != tc.status || !strings.Contains(b, tc.words) {
				t.Fatalf("got %d %q, want %d with %q", status, b, tc.status, tc.words)
			}
			if strings.Contains(tc.name, "silence") {
				select {
				case <-hungUp:
				case <-time.After(5 * time.Second):
					t.Fatal("ferry kept the silent parent connection open")
				}
			}
			n := 0
			for _, body := range p.Bodies()[bodiesBefore:] {
				if strings.HasSuffix(body, "tail") {
					n++
				}
			}
			mu.Lock()
			n += whole
			mu.Unlock()
			if n > 1 {
				t.Fatalf("the parent took the whole body %d times", n)
			}
			if status, b := testenv.PostUnresendable(t, once, parent.ReplayLimit); status != 200 || !strings.HasSuffix(b, "body=65540") {
				t.Fatalf("the upload after the fault got %d %q", status, b)
			}
		})
	}
}

// A SOCKS5 client's CONNECT meets the same parent faults; it gets the reply
// code docs/socks5.md "When it fails" gives for each, and nothing is left
// open.
func TestMidStreamParentFaultsOnSOCKS5(t *testing.T) {
	cases := []struct {
		name  string
		fault func(c net.Conn, br *bufio.Reader)
		code  byte
	}{
		{"403", func(c net.Conn, _ *bufio.Reader) {
			_, _ = io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 7\r\n\r\nblocked")
		}, 2},
		{"502", func(c net.Conn, _ *bufio.Reader) {
			_, _ = io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		}, 4},
		{"504", func(c net.Conn, _ *bufio.Reader) {
			_, _ = io.WriteString(c, "HTTP/1.1 504 Gateway Timeout\r\nContent-Length: 0\r\n\r\n")
		}, 4},
		{"silence", func(c net.Conn, br *bufio.Reader) { _, _ = io.Copy(io.Discard, br) }, 6},
		{"head cut short", func(c net.Conn, _ *bufio.Reader) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 Connection established\r\n")
		}, 1},
		{"200 then close", func(c net.Conn, _ *bufio.Reader) {
			_, _ = io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\nbye")
		}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
				p.OnHead = func(c net.Conn, br *bufio.Reader, req *http.Request) bool {
					if req.Method != http.MethodConnect || req.Header.Get("Proxy-Authorization") == "" {
						return false
					}
					tc.fault(c, br)
					return true
				}
			})
			s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret"),
				SOCKS5: []string{"127.0.0.1:0"}, ResponseHeaderTimeout: 300 * time.Millisecond, SpareConnections: -1})
			warm := closingClient(t, proxy)
			if resp, body := get(t, warm, "http://origin.example/warm"); resp.StatusCode != 200 {
				t.Fatalf("warm-up: %d %q", resp.StatusCode, body)
			}
			waitPooled(t, s)
			sc := socks5Connect(t, s.AddrsOf(kindSOCKS5)[0].String(), "origin.example", 443)
			reply := make([]byte, 12) // method choice, then a reply with an IPv4 address
			if _, err := io.ReadFull(sc, reply); err != nil || reply[3] != tc.code {
				t.Fatalf("SOCKS5 reply % x (%v), want code %d", reply, err, tc.code)
			}
			if tc.code == 0 {
				if b, err := io.ReadAll(sc); string(b) != "bye" || err != nil {
					t.Fatalf("the tunnel gave %q, %v: want bye and its end", b, err)
				}
			}
			sc.Close()
			for deadline := time.Now().Add(5 * time.Second); s.tunnels.Count() != 0; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d tunnels still open", s.tunnels.Count())
				}
			}
		})
	}
}

// A parent that cuts its first response head short on a new connection is
// down (parent_error, docs/routing.md "When a parent is dead"), and the
// request goes on to the next parent, since nothing of an answer reached
// the app.
func TestMidStreamCutHeadOnNewConnectionGoesOn(t *testing.T) {
	checkLeaks(t)
	bad := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(c net.Conn, _ *http.Request) { _, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Ty") }
	})
	good := testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	s, proxy := startRelay(t, Config{Parents: []string{bad.Addr, good.Addr}, SpareConnections: -1})
	c := closingClient(t, proxy)
	if resp, body := get(t, c, "http://origin.example/x"); resp.StatusCode != 200 || body != "hello GET http://origin.example/x body=0" {
		t.Fatalf("got %d %q, want the next parent's answer", resp.StatusCode, body)
	}
	if st := s.Upstreams()[0].Stats(); st.Up || st.LastCause.Name != "parent_error" {
		t.Fatalf("the parent that cut its head: up %v, cause %q, want down for parent_error", st.Up, st.LastCause.Name)
	}
}

// TestParentClosingManyIdlePooledConnections: the parent closes every
// pooled connection at once (a restart, or its idle timeout meeting
// connections opened together), within the second in which ferry trusts a
// pooled connection without looking (pool.go, freshIdle). The next request
// meets the dead ones one after another and must still get its answer, a
// body with it sent whole.
func TestParentClosingManyIdlePooledConnections(t *testing.T) {
	checkLeaks(t)
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.IdleClose = 100 * time.Millisecond
		p.OnHead = func(_ net.Conn, _ *bufio.Reader, req *http.Request) bool {
			if req.URL.Path == "/warm" {
				time.Sleep(50 * time.Millisecond) // so that the warm-ups need a connection each
			}
			return false
		}
	})
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "secret"), SpareConnections: -1})
	// The logon first: requests waiting for its turn would idle on their
	// new connections past the parent's 100 ms.
	if resp, body := get(t, closingClient(t, proxy), "http://origin.example/logon"); resp.StatusCode != 200 {
		t.Fatalf("logon: %d %q", resp.StatusCode, body)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := closingClient(t, proxy)
			if resp, body := get(t, c, "http://origin.example/warm"); resp.StatusCode != 200 {
				t.Errorf("warm-up: %d %q", resp.StatusCode, body)
			}
		}()
	}
	wg.Wait()
	for deadline := time.Now().Add(5 * time.Second); s.Upstreams()[0].Stats().Idle < 8; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d pooled connections, want 8", s.Upstreams()[0].Stats().Idle)
		}
	}
	time.Sleep(300 * time.Millisecond) // the parent closed them all
	c := closingClient(t, proxy)
	if resp, body := get(t, c, "http://origin.example/after"); resp.StatusCode != 200 {
		t.Fatalf("GET after the parent closed the pool: %d %q", resp.StatusCode, body)
	}
}
