package socks5

import (
	"io"
	"net"
)

// Sniff reads the first byte of c and reports whether it is a SOCKS5
// greeting (0x05), so one port can serve HTTP and SOCKS5 (an HTTP request
// starts with a letter). The returned conn replays that byte. Set a read
// deadline on c first: Sniff waits for the byte. On a read error it returns
// c itself and the error.
func Sniff(c net.Conn) (isSOCKS bool, wrapped net.Conn, err error) {
	var b [1]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return false, c, err
	}
	return b[0] == version5, WithPrefix(c, b[:]), nil
}

// WithPrefix returns c with prefix replayed before what c reads: for a
// sniffed byte, or bytes a bufio.Reader already took from a parent's
// connection after its CONNECT answer. Once the prefix is read, io.Copy to
// or from the result reaches c itself, so splice(2) between TCP
// connections still applies; CloseWrite passes through for half-closes.
func WithPrefix(c net.Conn, prefix []byte) net.Conn {
	if len(prefix) == 0 {
		return c
	}
	return &prefixConn{Conn: c, prefix: append([]byte(nil), prefix...)}
}

type prefixConn struct {
	net.Conn
	prefix []byte
}

func (p *prefixConn) Read(b []byte) (int, error) {
	if len(p.prefix) > 0 {
		n := copy(b, p.prefix)
		p.prefix = p.prefix[n:]
		return n, nil
	}
	return p.Conn.Read(b)
}

// WriteTo lets io.Copy(dst, p) become io.Copy(dst, conn) after the prefix,
// which is where the TCP-to-TCP fast path lives.
func (p *prefixConn) WriteTo(w io.Writer) (int64, error) {
	var n int64
	if len(p.prefix) > 0 {
		m, err := w.Write(p.prefix)
		n += int64(m)
		p.prefix = p.prefix[m:]
		if err != nil {
			return n, err
		}
	}
	m, err := io.Copy(w, p.Conn)
	return n + m, err
}

// ReadFrom keeps io.Copy(p, src) on the fast path of the wrapped conn.
func (p *prefixConn) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(p.Conn, r)
}

// CloseWrite half-closes the wrapped conn when it can.
func (p *prefixConn) CloseWrite() error {
	if cw, ok := p.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return p.Conn.Close()
}

// NetConn returns the wrapped connection, as tls.Conn.NetConn does.
func (p *prefixConn) NetConn() net.Conn { return p.Conn }
