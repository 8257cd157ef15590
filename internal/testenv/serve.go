package testenv

import (
	"net"
	"sync"
	"testing"
)

// ServeTCP listens on a loopback port and hands each connection to serve,
// closing it when serve returns: a hand-written peer for the faults real
// parents will not produce on demand (a close at once, silence, another
// protocol). At cleanup it stops listening, closes the connections still
// open and waits for their serve calls. It returns the host:port.
func ServeTCP(t testing.TB, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	var wg sync.WaitGroup
	accepting := make(chan struct{})
	go func() {
		defer close(accepting)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					c.Close()
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
				}()
				serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		// The accept loop ends first: a connection it took meanwhile is
		// then in conns to be closed, and its wg.Add cannot race Wait
		// (the race detector caught that once).
		ln.Close()
		<-accepting
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}
