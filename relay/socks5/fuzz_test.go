package socks5

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// FuzzSOCKS5Handshake feeds arbitrary client bytes to Serve: it must not
// panic, must not call the dialer with an address that is not host:port,
// and must return within the handshake timeout once the client stops.
func FuzzSOCKS5Handshake(f *testing.F) {
	f.Add([]byte{5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0, 80})
	f.Add([]byte{5, 1, 0, 5, 1, 0, 3, 9, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 1, 187, 'd', 'a', 't', 'a'})
	f.Add([]byte{5, 1, 0, 5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 22})
	f.Add([]byte{5, 2, 0, 2, 1, 5, 'a', 'l', 'i', 'c', 'e', 2, 'p', 'w'})
	f.Add([]byte{4, 1, 0, 80, 127, 0, 0, 1, 0})
	f.Add([]byte{5, 0})
	f.Add([]byte{5, 255})
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Every other input asks for username/password, so RFC 1929 is fuzzed too.
		var opt Options
		opt.HandshakeTimeout = time.Second
		if len(data) > 0 && data[len(data)-1]&1 == 1 {
			opt.Authenticate = func(u, p string) bool { return u == "alice" }
		}
		client, server := net.Pipe()
		dial := func(ctx context.Context, hp string) (net.Conn, error) {
			if _, _, err := net.SplitHostPort(hp); err != nil {
				t.Errorf("dialer got %q: %v", hp, err)
			}
			if len(hp)%2 == 0 {
				return nil, errors.New("refused by the fuzzer")
			}
			a, b := net.Pipe()
			go func() { _, _ = io.Copy(io.Discard, b); b.Close() }()
			return a, nil
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = Serve(context.Background(), server, dial, opt)
		}()
		go func() { _, _ = io.Copy(io.Discard, client) }()
		_, _ = client.Write(data)
		// The client stops: Serve must notice and return.
		client.Close()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("Serve did not return for %x", data)
		}
	})
}
