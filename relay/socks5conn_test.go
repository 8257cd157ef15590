package relay

import (
	"net"
	"testing"
	"time"
)

// socks5Connect opens a connection to the SOCKS5 listener at addr and sends
// the no-authentication greeting and a CONNECT to host:port in one write;
// the caller reads the method choice and the reply (10 s deadline).
func socks5Connect(t *testing.T, addr, host string, port int) net.Conn {
	t.Helper()
	sc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Close() })
	_ = sc.SetDeadline(time.Now().Add(10 * time.Second))
	req := append([]byte{5, 1, 0, 5, 1, 0, 3, byte(len(host))}, host...)
	if _, err := sc.Write(append(req, byte(port>>8), byte(port))); err != nil {
		t.Fatal(err)
	}
	return sc
}
