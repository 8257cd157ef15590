package bench

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Delay is a loopback TCP forwarder that puts a parent proxy at a distance:
// every chunk read on one side is written on the other D later, in order,
// in both directions, as over a link with a one-way delay of D (a VPN, a
// proxy in another city). A new connection also waits one round trip (2D)
// before its first byte moves on, the TCP handshake that loopback skips, so
// that a client's first request reaches the parent 3D after its connect
// began, as on a real link.
//
// Bandwidth is not limited: the scenario it serves (time to open a tunnel)
// moves a few hundred bytes.
type Delay struct {
	Addr   string // where to connect instead of the target
	target string
	ln     net.Listener
	delay  atomic.Int64 // time.Duration

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewDelay listens on a free loopback port and forwards to target with a
// one-way delay of d (0 forwards at once). Close stops it.
func NewDelay(target string, d time.Duration) (*Delay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &Delay{Addr: ln.Addr().String(), target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	f.delay.Store(int64(d))
	f.wg.Add(1)
	go f.accept()
	return f, nil
}

// SetDelay changes the one-way delay for the chunks read from now on.
func (f *Delay) SetDelay(d time.Duration) { f.delay.Store(int64(d)) }

func (f *Delay) oneWay() time.Duration { return time.Duration(f.delay.Load()) }

// Reset closes every connection forwarded so far, both sides, and goes on
// accepting: as after a network change, nothing dialed at the old delay
// survives into a measurement at the new one (a relay's pooled or spare
// parent connection would otherwise skip the new delay's handshake).
func (f *Delay) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		c.Close()
	}
}

// Close stops listening, closes every forwarded connection and waits for
// the goroutines to end.
func (f *Delay) Close() error {
	err := f.ln.Close()
	f.mu.Lock()
	f.closed = true
	for c := range f.conns {
		c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
	return err
}

// track registers c for Close; false when the forwarder is closing.
func (f *Delay) track(c net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		c.Close()
		return false
	}
	f.conns[c] = struct{}{}
	return true
}

func (f *Delay) untrack(c net.Conn) {
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
	c.Close()
}

func (f *Delay) accept() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return // closed
		}
		if !f.track(c) {
			return
		}
		f.wg.Add(1)
		go f.serve(c)
	}
}

// serve forwards one connection in both directions until either side
// closes it.
func (f *Delay) serve(client net.Conn) {
	defer f.wg.Done()
	defer f.untrack(client)
	// The handshake's round trip: the client's SYN and the server's SYN-ACK.
	time.Sleep(2 * f.oneWay())
	server, err := net.DialTimeout("tcp", f.target, 5*time.Second)
	if err != nil || !f.track(server) {
		return
	}
	defer f.untrack(server)
	done := make(chan struct{}, 2)
	go func() { f.pipe(server, client); done <- struct{}{} }()
	go func() { f.pipe(client, server); done <- struct{}{} }()
	<-done
	<-done
}

type chunk struct {
	b   []byte
	due time.Time
}

// pipe copies src to dst, each chunk D after it was read, in order; at EOF
// it half-closes dst after the last chunk, D later too.
func (f *Delay) pipe(dst, src net.Conn) {
	// Enough chunks in flight for any handshake; a full queue slows the
	// reader, as a full window would.
	q := make(chan chunk, 256)
	go func() {
		defer close(q)
		for {
			b := make([]byte, 32<<10)
			n, err := src.Read(b)
			if n > 0 {
				q <- chunk{b: b[:n], due: time.Now().Add(f.oneWay())}
			}
			if err != nil {
				q <- chunk{due: time.Now().Add(f.oneWay())} // EOF marker
				return
			}
		}
	}()
	for ch := range q {
		time.Sleep(time.Until(ch.due))
		if ch.b == nil {
			if tc, ok := dst.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			break
		}
		if _, err := dst.Write(ch.b); err != nil {
			break
		}
	}
	// Either side ending ends the connection (HTTP clients and proxies
	// do not half-close); closing src also ends the reader, drained here.
	src.Close()
	dst.Close()
	for range q {
	}
}
