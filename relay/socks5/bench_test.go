package socks5

import (
	"context"
	"io"
	"net"
	"testing"
)

// BenchmarkTunnelThroughput sends 64 MiB per iteration client -> target
// through Serve; b.SetBytes makes `go test -bench` print MB/s.
func BenchmarkTunnelThroughput(b *testing.B) {
	sink, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	go func() {
		for {
			c, err := sink.Accept()
			if err != nil {
				return
			}
			go func() {
				// A large read buffer, so the sink is not what is measured.
				buf := make([]byte, 256<<10)
				for {
					if _, err := c.Read(buf); err != nil {
						break
					}
				}
				c.Close()
			}()
		}
	}()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				_ = Serve(context.Background(), c, func(ctx context.Context, hp string) (net.Conn, error) {
					return net.Dial("tcp", sink.Addr().String())
				}, Options{})
			}()
		}
	}()
	const size = 64 << 20
	buf := make([]byte, 256<<10)
	b.SetBytes(size)
	for b.Loop() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		_, _ = c.Write([]byte{version5, 1, methodNoAuth})
		_, _ = io.ReadFull(c, make([]byte, 2))
		_, _ = c.Write(request(cmdConnect, "sink.test", 80))
		_, _ = io.ReadFull(c, make([]byte, 10))
		for sent := 0; sent < size; sent += len(buf) {
			if _, err := c.Write(buf); err != nil {
				b.Fatal(err)
			}
		}
		c.Close()
	}
}
