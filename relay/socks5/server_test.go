package socks5

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/relay/splice"
)

// echoServer echoes each connection's bytes; on the client's half-close it
// writes "bye" and closes, so tests see half-close passing through.
func echoServer(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if _, err := io.Copy(c, c); err == nil {
					_, _ = c.Write([]byte("bye"))
				}
			}()
		}
	}()
	return ln
}

// socksServer runs Serve for every connection on a loopback listener and
// reports each Serve's result on errs.
type socksServer struct {
	addr string
	errs chan error
}

func startSOCKS(t *testing.T, dial Dialer, opt Options) *socksServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &socksServer{addr: ln.Addr().String(), errs: make(chan error, 16)}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.errs <- Serve(context.Background(), c, dial, opt)
			}()
		}
	}()
	return s
}

func (s *socksServer) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-s.errs:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
		return nil
	}
}

// request builds a CONNECT (or other command) request for host, which is
// sent as an IPv4 or IPv6 address when it parses as one, else as a domain.
func request(cmd byte, host string, port uint16) []byte {
	b := []byte{version5, cmd, 0}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Is4() {
			b = append(b, atypIPv4)
		} else {
			b = append(b, atypIPv6)
		}
		b = append(b, ip.AsSlice()...)
	} else {
		b = append(b, atypDomain, byte(len(host)))
		b = append(b, host...)
	}
	return binary.BigEndian.AppendUint16(b, port)
}

// connect runs a client handshake (no auth) and returns the reply code.
func connect(t *testing.T, addr string, req []byte) (net.Conn, byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte{version5, 1, methodNoAuth}); err != nil {
		t.Fatal(err)
	}
	var m [2]byte
	if _, err := io.ReadFull(c, m[:]); err != nil || m != [2]byte{version5, methodNoAuth} {
		t.Fatalf("method selection: %x, %v", m, err)
	}
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	return c, readReply(t, c)
}

func readReply(t *testing.T, c net.Conn) byte {
	t.Helper()
	var h [4]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		t.Fatalf("read reply: %v", err)
	}
	n := 4
	if h[3] == atypIPv6 {
		n = 16
	} else if h[3] != atypIPv4 {
		t.Fatalf("reply address type %#x", h[3])
	}
	if _, err := io.ReadFull(c, make([]byte, n+2)); err != nil {
		t.Fatalf("read reply address: %v", err)
	}
	if h[0] != version5 || h[2] != 0 {
		t.Fatalf("reply header %x", h)
	}
	return h[1]
}

func TestConnectPassesAddressAsGiven(t *testing.T) {
	echo4 := echoServer(t, "tcp", "127.0.0.1:0")
	_, port4, _ := net.SplitHostPort(echo4.Addr().String())
	p4, _ := strconv.Atoi(port4)
	cases := []struct {
		name, host, want string
		port             int
	}{
		{"ipv4", "127.0.0.1", "127.0.0.1:" + port4, p4},
		{"domain", "echo.test", "echo.test:" + port4, p4},
	}
	if ln6, err := net.Listen("tcp", "[::1]:0"); err == nil {
		ln6.Close()
		echo6 := echoServer(t, "tcp", "[::1]:0")
		_, port6, _ := net.SplitHostPort(echo6.Addr().String())
		p6, _ := strconv.Atoi(port6)
		cases = append(cases, struct {
			name, host, want string
			port             int
		}{"ipv6", "::1", "[::1]:" + port6, p6})
	} else {
		t.Log("no ::1 on this machine: IPv6 case skipped")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := make(chan string, 1)
			dial := func(ctx context.Context, hostport string) (net.Conn, error) {
				got <- hostport
				host, port, _ := net.SplitHostPort(hostport)
				if host == "echo.test" {
					host = "127.0.0.1"
				}
				var d net.Dialer
				return d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
			}
			s := startSOCKS(t, dial, Options{})
			c, code := connect(t, s.addr, request(cmdConnect, tc.host, uint16(tc.port)))
			if code != ReplySucceeded {
				t.Fatalf("reply %s, want succeeded", replyText(code))
			}
			if h := <-got; h != tc.want {
				t.Errorf("dialer got %q, want %q", h, tc.want)
			}
			// Half-close: the echo server answers "bye" only after it saw EOF.
			if _, err := c.Write([]byte("hello")); err != nil {
				t.Fatal(err)
			}
			if err := c.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			all, err := io.ReadAll(c)
			if err != nil || string(all) != "hellobye" {
				t.Fatalf("read %q, %v; want \"hellobye\"", all, err)
			}
			if err := s.result(t); err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
	}
}

// A client that sends its request and first payload in one write (as some
// do, optimistically) loses nothing.
func TestPipelinedPayloadReachesTarget(t *testing.T) {
	echo := echoServer(t, "tcp", "127.0.0.1:0")
	ap := echo.Addr().(*net.TCPAddr).AddrPort()
	s := startSOCKS(t, func(ctx context.Context, hp string) (net.Conn, error) {
		return net.Dial("tcp", hp)
	}, Options{})
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := append([]byte{version5, 1, methodNoAuth}, request(cmdConnect, ap.Addr().String(), ap.Port())...)
	msg = append(msg, "payload"...)
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	_ = c.(*net.TCPConn).CloseWrite()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	var m [2]byte
	if _, err := io.ReadFull(c, m[:]); err != nil {
		t.Fatal(err)
	}
	if code := readReply(t, c); code != ReplySucceeded {
		t.Fatalf("reply %s", replyText(code))
	}
	all, _ := io.ReadAll(c)
	if string(all) != "payloadbye" {
		t.Fatalf("got %q, want \"payloadbye\"", all)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestReplyCodes(t *testing.T) {
	// A port nothing listens on, for a real ECONNREFUSED.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	realDial := func(ctx context.Context, hp string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", hp)
	}
	fail := func(err error) Dialer {
		return func(context.Context, string) (net.Conn, error) { return nil, err }
	}
	cp, _ := netip.ParseAddrPort(closed)
	cases := []struct {
		name string
		dial Dialer
		req  []byte
		want byte
	}{
		{"refused", realDial, request(cmdConnect, "127.0.0.1", cp.Port()), ReplyConnectionRefused},
		{"not allowed", fail(&ReplyError{Code: ReplyNotAllowed, Err: errors.New("parent answered 403")}), request(cmdConnect, "blocked.test", 443), ReplyNotAllowed},
		{"dns", fail(&net.DNSError{Err: "no such host", Name: "nx.test", IsNotFound: true}), request(cmdConnect, "nx.test", 80), ReplyHostUnreachable},
		{"net unreachable", fail(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}), request(cmdConnect, "10.9.9.9", 80), ReplyNetworkUnreachable},
		{"host unreachable", fail(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}), request(cmdConnect, "10.9.9.9", 80), ReplyHostUnreachable},
		{"timeout", fail(&net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}}), request(cmdConnect, "slow.test", 80), ReplyTTLExpired},
		{"deadline", fail(fmt.Errorf("parent: %w", context.DeadlineExceeded)), request(cmdConnect, "slow.test", 80), ReplyTTLExpired},
		{"other", fail(errors.New("boom")), request(cmdConnect, "x.test", 80), ReplyGeneralFailure},
		{"bind", realDial, request(0x02, "127.0.0.1", 80), ReplyCommandNotSupported},
		{"udp associate", realDial, request(0x03, "127.0.0.1", 80), ReplyCommandNotSupported},
		{"address type", realDial, []byte{version5, cmdConnect, 0, 0x09, 1, 2, 3, 4, 0, 80}, ReplyAddressNotSupported},
		{"empty domain", realDial, []byte{version5, cmdConnect, 0, atypDomain, 0, 0, 80}, ReplyHostUnreachable},
		{"domain with colon", realDial, request(cmdConnect, "a:b", 80), ReplyHostUnreachable},
		{"request version", realDial, []byte{0x04, cmdConnect, 0, atypIPv4, 1, 2, 3, 4, 0, 80}, ReplyGeneralFailure},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSOCKS(t, tc.dial, Options{})
			c, code := connect(t, s.addr, tc.req)
			if code != tc.want {
				t.Fatalf("reply %q, want %q", replyText(code), replyText(tc.want))
			}
			// After a failure reply the server closes.
			if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
				t.Errorf("connection still open after a failure reply: %d, %v", n, err)
			}
			c.Close()
			if err := s.result(t); err == nil {
				t.Error("Serve returned nil for a refused request")
			}
		})
	}
}

// Malformed greetings get the RFC's answer (or none) and a close, never a
// hang or a panic.
func TestMalformedGreeting(t *testing.T) {
	cases := []struct {
		name    string
		send    []byte
		answer  []byte
		wantErr error
	}{
		{"socks4", []byte{0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0}, []byte{0, 0x5b, 0, 0, 0, 0, 0, 0}, ErrNotSOCKS5},
		{"http", []byte("GET / HTTP/1.1\r\n\r\n"), nil, ErrNotSOCKS5},
		{"no methods", []byte{version5, 0}, []byte{version5, methodNone}, ErrAuth},
		{"only gssapi", []byte{version5, 1, 0x01}, []byte{version5, methodNone}, ErrAuth},
		{"truncated methods", []byte{version5, 3, 0}, nil, ErrHandshake},
		{"truncated request", []byte{version5, 1, 0, version5, cmdConnect}, []byte{version5, methodNoAuth}, ErrHandshake},
		{"truncated domain", []byte{version5, 1, 0, version5, cmdConnect, 0, atypDomain, 10, 'a'}, []byte{version5, methodNoAuth}, ErrHandshake},
		{"empty", nil, nil, ErrHandshake},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSOCKS(t, func(context.Context, string) (net.Conn, error) {
				t.Error("dialer called for a malformed handshake")
				return nil, errors.New("no")
			}, Options{})
			c, err := net.Dial("tcp", s.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, _ = c.Write(tc.send)
			_ = c.(*net.TCPConn).CloseWrite()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			got, _ := io.ReadAll(c)
			if !bytes.Equal(got, tc.answer) {
				t.Errorf("answer %x, want %x", got, tc.answer)
			}
			if err := s.result(t); !errors.Is(err, tc.wantErr) {
				t.Errorf("Serve: %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestSilentClientDroppedAfterHandshakeTimeout(t *testing.T) {
	s := startSOCKS(t, nil, Options{HandshakeTimeout: 200 * time.Millisecond})
	for _, send := range [][]byte{nil, {version5}, {version5, 1, 0, version5}} {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, _ = c.Write(send)
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.ReadAll(c)
		took := time.Since(start)
		if err := s.result(t); !errors.Is(err, ErrHandshake) {
			t.Errorf("sent %x: Serve: %v, want ErrHandshake", send, err)
		}
		if took < 150*time.Millisecond || took > 2*time.Second {
			t.Errorf("sent %x: dropped after %v, want about 200ms", send, took)
		}
		c.Close()
	}
}

// The handshake timeout does not cut a slow dial short: a parent's CONNECT
// with authentication can take longer than a client's handshake.
func TestSlowDialOutlivesHandshakeTimeout(t *testing.T) {
	echo := echoServer(t, "tcp", "127.0.0.1:0")
	s := startSOCKS(t, func(ctx context.Context, hp string) (net.Conn, error) {
		time.Sleep(300 * time.Millisecond)
		return net.Dial("tcp", echo.Addr().String())
	}, Options{HandshakeTimeout: 100 * time.Millisecond})
	c, code := connect(t, s.addr, request(cmdConnect, "slow.test", 80))
	if code != ReplySucceeded {
		t.Fatalf("reply %s", replyText(code))
	}
	_, _ = c.Write([]byte("x"))
	_ = c.(*net.TCPConn).CloseWrite()
	if all, _ := io.ReadAll(c); string(all) != "xbye" {
		t.Fatalf("got %q", all)
	}
}

func TestContextCancelEndsSession(t *testing.T) {
	echo := echoServer(t, "tcp", "127.0.0.1:0")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		done <- Serve(ctx, c, func(ctx context.Context, hp string) (net.Conn, error) {
			return net.Dial("tcp", echo.Addr().String())
		}, Options{})
	}()
	c, code := connect(t, ln.Addr().String(), request(cmdConnect, "x.test", 80))
	if code != ReplySucceeded {
		t.Fatalf("reply %s", replyText(code))
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Serve still running after its context was cancelled")
	}
	if _, err := io.ReadAll(c); err != nil {
		t.Logf("client read after cancel: %v", err)
	}
}

func TestUsernamePassword(t *testing.T) {
	echo := echoServer(t, "tcp", "127.0.0.1:0")
	ap := echo.Addr().(*net.TCPAddr).AddrPort()
	opt := Options{Authenticate: func(u, p string) bool { return u == "alice" && p == "s3cret" }}
	s := startSOCKS(t, func(ctx context.Context, hp string) (net.Conn, error) { return net.Dial("tcp", hp) }, opt)
	userPassMsg := func(u, p string) []byte {
		b := []byte{userPassVer, byte(len(u))}
		b = append(b, u...)
		b = append(b, byte(len(p)))
		return append(b, p...)
	}
	cases := []struct {
		name   string
		send   []byte
		answer []byte
		ok     bool
	}{
		{"good", append([]byte{version5, 2, methodNoAuth, methodUserPass}, userPassMsg("alice", "s3cret")...), []byte{version5, methodUserPass, userPassVer, 0}, true},
		{"wrong password", append([]byte{version5, 1, methodUserPass}, userPassMsg("alice", "guess")...), []byte{version5, methodUserPass, userPassVer, 1}, false},
		{"no-auth only", []byte{version5, 1, methodNoAuth}, []byte{version5, methodNone}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", s.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			_, _ = c.Write(tc.send)
			got := make([]byte, len(tc.answer))
			if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, tc.answer) {
				t.Fatalf("answer %x (%v), want %x", got, err, tc.answer)
			}
			if !tc.ok {
				if n, _ := c.Read(make([]byte, 1)); n != 0 {
					t.Error("connection open after a refused login")
				}
				c.Close()
				if err := s.result(t); !errors.Is(err, ErrAuth) {
					t.Errorf("Serve: %v, want ErrAuth", err)
				}
				return
			}
			_, _ = c.Write(request(cmdConnect, ap.Addr().String(), ap.Port()))
			if code := readReply(t, c); code != ReplySucceeded {
				t.Fatalf("reply %s", replyText(code))
			}
			c.Close()
			if err := s.result(t); err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	echo := echoServer(t, "tcp", "127.0.0.1:0")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type result struct {
		socks bool
		http  string
	}
	results := make(chan result, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
				isSOCKS, wc, err := Sniff(c)
				if err != nil {
					c.Close()
					return
				}
				if isSOCKS {
					results <- result{socks: true}
					_ = Serve(context.Background(), wc, func(ctx context.Context, hp string) (net.Conn, error) {
						return net.Dial("tcp", echo.Addr().String())
					}, Options{})
					return
				}
				line := make([]byte, 3)
				_, _ = io.ReadFull(wc, line)
				results <- result{http: string(line)}
				wc.Close()
			}()
		}
	}()

	hc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()
	_, _ = hc.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	if r := <-results; r.socks || r.http != "GET" {
		t.Errorf("HTTP client sniffed as %+v, want not SOCKS with \"GET\" intact", r)
	}

	c, code := connect(t, ln.Addr().String(), request(cmdConnect, "x.test", 80))
	if r := <-results; !r.socks {
		t.Error("SOCKS5 client not recognised")
	}
	if code != ReplySucceeded {
		t.Fatalf("reply %s", replyText(code))
	}
	_, _ = c.Write([]byte("abc"))
	_ = c.(*net.TCPConn).CloseWrite()
	if all, _ := io.ReadAll(c); string(all) != "abcbye" {
		t.Fatalf("through a sniffed conn got %q", all)
	}
}

// WithPrefix keeps io.Copy on the wrapped conn's ReadFrom/WriteTo, where
// splice lives, and replays its prefix first.
func TestWithPrefixReplaysThenDelegates(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	pc := WithPrefix(a, []byte("pre"))
	go func() { _, _ = b.Write([]byte("fix")); b.Close() }()
	var out bytes.Buffer
	if _, err := io.Copy(&out, pc); err != nil {
		t.Fatal(err)
	}
	if out.String() != "prefix" {
		t.Fatalf("got %q", out.String())
	}
	if _, ok := pc.(io.WriterTo); !ok {
		t.Error("prefix conn does not implement io.WriterTo")
	}
	if nc, ok := pc.(interface{ NetConn() net.Conn }); !ok || nc.NetConn() != a {
		t.Error("NetConn does not return the wrapped conn")
	}
}

// A client that already sent payload behind its request still reads the
// failure reply: the server drains before closing instead of resetting.
func TestFailureReplySurvivesUnreadPayload(t *testing.T) {
	s := startSOCKS(t, func(context.Context, string) (net.Conn, error) {
		return nil, &ReplyError{Code: ReplyNotAllowed, Err: errors.New("blocked")}
	}, Options{})
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := append([]byte{version5, 1, methodNoAuth}, request(cmdConnect, "blocked.test", 443)...)
	msg = append(msg, bytes.Repeat([]byte("x"), 32<<10)...)
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c, make([]byte, 2)); err != nil {
		t.Fatal(err)
	}
	if code := readReply(t, c); code != ReplyNotAllowed {
		t.Fatalf("reply %s, want connection not allowed", replyText(code))
	}
	c.Close()
	if err := s.result(t); !errors.Is(err, ErrRefused) {
		t.Errorf("Serve: %v, want ErrRefused", err)
	}
}

func TestSpliceHookGetsBothConnections(t *testing.T) {
	echo := echoServer(t, "tcp", "127.0.0.1:0")
	called := make(chan [2]net.Conn, 1)
	s := startSOCKS(t, func(ctx context.Context, hp string) (net.Conn, error) {
		return net.Dial("tcp", echo.Addr().String())
	}, Options{Splice: func(client, target net.Conn) {
		called <- [2]net.Conn{client, target}
		splice.Conns(client, nil, target, nil, 0)
	}})
	c, code := connect(t, s.addr, request(cmdConnect, "x.test", 80))
	if code != ReplySucceeded {
		t.Fatalf("reply %s", replyText(code))
	}
	_, _ = c.Write([]byte("z"))
	_ = c.(*net.TCPConn).CloseWrite()
	if all, _ := io.ReadAll(c); string(all) != "zbye" {
		t.Fatalf("got %q", all)
	}
	got := <-called
	if got[0].RemoteAddr().String() != c.LocalAddr().String() || got[1].RemoteAddr().String() != echo.Addr().String() {
		t.Errorf("Splice got %v -> %v", got[0].RemoteAddr(), got[1].RemoteAddr())
	}
	if err := s.result(t); err != nil {
		t.Errorf("Serve: %v", err)
	}
}
