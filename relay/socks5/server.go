package socks5

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/ferryproxy/ferry/relay/splice"
)

// Dialer opens the connection to the target a client asked for. hostport is
// "host:port" with host exactly as the client sent it: an IP literal or a
// domain name (never resolved here).
type Dialer func(ctx context.Context, hostport string) (net.Conn, error)

// Options tune Serve. The zero value serves "no authentication" with a 10 s
// handshake timeout.
type Options struct {
	// HandshakeTimeout bounds the greeting, authentication and request: a
	// client that sends nothing (or too little) is dropped after it.
	// Zero means 10 s.
	HandshakeTimeout time.Duration
	// Authenticate, when set, requires RFC 1929 username/password and
	// refuses clients that offer only "no authentication". nil: no-auth only.
	Authenticate func(user, pass string) bool
	// Logger gets one debug line per request; nil discards.
	Logger *slog.Logger
	// Splice, when set, is handed both connections after a successful
	// CONNECT instead of an untracked splice.Conns without idle timeout, so
	// a caller can track its tunnels (a splice.Set, an idle timeout,
	// counters). It must copy both ways and return when both are done;
	// Serve closes both after it.
	Splice func(client, target net.Conn)
}

// Protocol constants, RFC 1928 and RFC 1929.
const (
	version5       = 0x05
	methodNoAuth   = 0x00
	methodUserPass = 0x02
	methodNone     = 0xff
	userPassVer    = 0x01
	cmdConnect     = 0x01
	atypIPv4       = 0x01
	atypDomain     = 0x03
	atypIPv6       = 0x04
)

// Error kinds Serve returns, for callers that count them (errors.Is).
var (
	// ErrNotSOCKS5: the first byte was not version 5.
	ErrNotSOCKS5 = errors.New("not a SOCKS5 client")
	// ErrHandshake: the client broke the protocol, went silent or closed
	// before its request was complete.
	ErrHandshake = errors.New("socks5 handshake failed")
	// ErrAuth: no acceptable method, or username/password rejected.
	ErrAuth = errors.New("socks5 client authentication failed")
	// ErrRefused: the request was valid but not served (unsupported
	// command or address type, or the Dialer failed).
	ErrRefused = errors.New("socks5 request refused")
)

// Serve speaks SOCKS5 on c: it reads the greeting and the request, calls
// dial for the target, answers with the matching reply code, then copies
// both ways with relay/splice, passing half-closes on, until both sides
// finish. It closes c (and the target connection) before it returns.
// Cancelling ctx ends the session. The error is nil for a session that ran
// to its end; otherwise it wraps one of ErrNotSOCKS5, ErrHandshake, ErrAuth
// or ErrRefused.
func Serve(ctx context.Context, c net.Conn, dial Dialer, opt Options) error {
	defer c.Close()
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	timeout := opt.HandshakeTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Closing c is the only way to interrupt its blocked reads.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()

	_ = c.SetDeadline(time.Now().Add(timeout))
	target, err := handshake(c, opt.Authenticate)
	if err != nil {
		log.Debug("socks5 handshake failed", "client", c.RemoteAddr().String(), "err", err)
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			lingerClose(c)
		}
		return err
	}
	// The dial may go through a parent's CONNECT and its authentication,
	// which the handshake timeout must not cut short; ctx bounds it.
	_ = c.SetDeadline(time.Time{})
	up, err := dial(ctx, target)
	if err != nil {
		code := ReplyFor(err)
		_ = c.SetWriteDeadline(time.Now().Add(timeout))
		_ = writeReply(c, code, nil)
		lingerClose(c)
		log.Debug("socks5 connect failed", "client", c.RemoteAddr().String(), "target", target,
			"reply", replyText(code), "err", err)
		return fmt.Errorf("%w: connect %s: %s: %w", ErrRefused, target, replyText(code), err)
	}
	defer up.Close()
	stopUp := context.AfterFunc(ctx, func() { up.Close() })
	defer stopUp()

	_ = c.SetWriteDeadline(time.Now().Add(timeout))
	if err := writeReply(c, ReplySucceeded, up.LocalAddr()); err != nil {
		return fmt.Errorf("%w: write reply to %s: %w", ErrHandshake, c.RemoteAddr(), err)
	}
	_ = c.SetWriteDeadline(time.Time{})
	log.Debug("socks5 connect", "client", c.RemoteAddr().String(), "target", target)
	if opt.Splice != nil {
		opt.Splice(c, up)
	} else {
		splice.Conns(c, nil, up, nil, 0)
	}
	return nil
}

// handshake reads the greeting, runs the method sub-negotiation and reads
// the request, answering protocol errors itself. It reads exactly what the
// protocol says, with no buffering, so nothing the client sends after the
// request is held back from the copy (and c stays a bare *net.TCPConn for
// splice).
func handshake(c net.Conn, auth func(user, pass string) bool) (string, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		return "", fmt.Errorf("%w: read greeting: %w", ErrHandshake, err)
	}
	if hdr[0] != version5 {
		if hdr[0] == 0x04 {
			// A SOCKS4 client understands only its own reply: 0x5b, rejected.
			_, _ = c.Write([]byte{0x00, 0x5b, 0, 0, 0, 0, 0, 0})
		}
		return "", fmt.Errorf("%w: version byte %#02x (SOCKS4 or not SOCKS at all)", ErrNotSOCKS5, hdr[0])
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(c, methods); err != nil {
		return "", fmt.Errorf("%w: read %d methods: %w", ErrHandshake, hdr[1], err)
	}
	want := byte(methodNoAuth)
	if auth != nil {
		want = methodUserPass
	}
	offered := false
	for _, m := range methods {
		offered = offered || m == want
	}
	if !offered {
		_, _ = c.Write([]byte{version5, methodNone})
		if auth != nil {
			return "", fmt.Errorf("%w: client did not offer username/password (method 2), which this listener requires", ErrAuth)
		}
		return "", fmt.Errorf("%w: client did not offer \"no authentication\" (method 0); methods %v", ErrAuth, methods)
	}
	if _, err := c.Write([]byte{version5, want}); err != nil {
		return "", fmt.Errorf("%w: write method: %w", ErrHandshake, err)
	}
	if auth != nil {
		if err := userPass(c, auth); err != nil {
			return "", err
		}
	}

	var req [4]byte
	if _, err := io.ReadFull(c, req[:]); err != nil {
		return "", fmt.Errorf("%w: read request: %w", ErrHandshake, err)
	}
	if req[0] != version5 {
		_ = writeReply(c, ReplyGeneralFailure, nil)
		return "", fmt.Errorf("%w: request version byte %#02x, want 0x05", ErrHandshake, req[0])
	}
	var host string
	switch req[3] {
	case atypIPv4, atypIPv6:
		b := make([]byte, 4)
		if req[3] == atypIPv6 {
			b = make([]byte, 16)
		}
		if _, err := io.ReadFull(c, b); err != nil {
			return "", fmt.Errorf("%w: read address: %w", ErrHandshake, err)
		}
		ip, _ := netip.AddrFromSlice(b)
		host = ip.String()
	case atypDomain:
		var n [1]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return "", fmt.Errorf("%w: read domain length: %w", ErrHandshake, err)
		}
		b := make([]byte, n[0])
		if _, err := io.ReadFull(c, b); err != nil {
			return "", fmt.Errorf("%w: read domain: %w", ErrHandshake, err)
		}
		host = string(b)
	default:
		// The address's length is unknown, so the rest cannot be read.
		_ = writeReply(c, ReplyAddressNotSupported, nil)
		return "", fmt.Errorf("%w: address type %#02x", ErrRefused, req[3])
	}
	var port [2]byte
	if _, err := io.ReadFull(c, port[:]); err != nil {
		return "", fmt.Errorf("%w: read port: %w", ErrHandshake, err)
	}
	if req[1] != cmdConnect {
		_ = writeReply(c, ReplyCommandNotSupported, nil)
		return "", fmt.Errorf("%w: command %#02x (only CONNECT is served, not BIND or UDP ASSOCIATE)", ErrRefused, req[1])
	}
	if req[3] == atypDomain && !validHost(host) {
		_ = writeReply(c, ReplyHostUnreachable, nil)
		return "", fmt.Errorf("%w: domain name %q is not a host name", ErrRefused, host)
	}
	return net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port[:])))), nil
}

// validHost refuses empty names and bytes no DNS name has, so a client
// cannot smuggle a ':' or a newline into what becomes a CONNECT line.
func validHost(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		b := h[i]
		if b <= ' ' || b >= 0x7f || b == ':' || b == '/' || b == '[' || b == ']' || b == '@' {
			return false
		}
	}
	return true
}

// userPass runs RFC 1929: VER=1 ULEN UNAME PLEN PASSWD; reply VER STATUS.
func userPass(c net.Conn, auth func(user, pass string) bool) error {
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		return fmt.Errorf("%w: read username/password: %w", ErrHandshake, err)
	}
	if hdr[0] != userPassVer {
		_, _ = c.Write([]byte{userPassVer, 0x01})
		return fmt.Errorf("%w: username/password version %#02x, want 0x01", ErrHandshake, hdr[0])
	}
	user := make([]byte, hdr[1])
	if _, err := io.ReadFull(c, user); err != nil {
		return fmt.Errorf("%w: read username: %w", ErrHandshake, err)
	}
	var n [1]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		return fmt.Errorf("%w: read password length: %w", ErrHandshake, err)
	}
	pass := make([]byte, n[0])
	if _, err := io.ReadFull(c, pass); err != nil {
		return fmt.Errorf("%w: read password: %w", ErrHandshake, err)
	}
	if !auth(string(user), string(pass)) {
		// RFC 1929: on failure the server must close the connection.
		_, _ = c.Write([]byte{userPassVer, 0x01})
		return fmt.Errorf("%w: user %q: wrong username or password", ErrAuth, user)
	}
	_, err := c.Write([]byte{userPassVer, 0x00})
	return err
}

// writeReply sends VER REP RSV ATYP BND.ADDR BND.PORT. The bound address is
// the target connection's local address when it is TCP, else 0.0.0.0:0
// (clients of a CONNECT ignore it).
func writeReply(c net.Conn, code byte, bound net.Addr) error {
	b := []byte{version5, code, 0x00}
	ap := netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
	if ta, ok := bound.(*net.TCPAddr); ok {
		ap = ta.AddrPort()
	}
	ip := ap.Addr().Unmap()
	if ip.Is4() {
		b = append(b, atypIPv4)
	} else {
		b = append(b, atypIPv6)
	}
	b = append(b, ip.AsSlice()...)
	b = binary.BigEndian.AppendUint16(b, ap.Port())
	_, err := c.Write(b)
	return err
}

// lingerClose half-closes c and reads what the client still sends for a
// moment before the caller closes it. Closing a socket with unread bytes
// makes the kernel send a reset, and a reset can destroy the failure reply
// before the client reads it (the client sees ECONNRESET, not the code).
func lingerClose(c net.Conn) {
	cw, ok := c.(interface{ CloseWrite() error })
	if !ok {
		return
	}
	if cw.CloseWrite() != nil {
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}
