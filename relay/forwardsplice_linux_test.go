package relay

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// rawRecorder is an http.ResponseWriter with httpserve's RawBody: Write
// keeps what goes through ferry's buffer, RawBody hands send the app's
// socket, with left bytes to go (-1: to the end of the connection).
type rawRecorder struct {
	h    http.Header
	buf  bytes.Buffer
	dst  *net.TCPConn
	left int64
}

func (w *rawRecorder) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}
func (w *rawRecorder) WriteHeader(int)             {}
func (w *rawRecorder) Write(p []byte) (int, error) { return w.buf.Write(p) }
func (w *rawRecorder) Flush()                      {}
func (w *rawRecorder) RawBody(send func(dst *net.TCPConn, left int64) (int64, error)) (int64, error) {
	return send(w.dst, w.left)
}

// spliceRun is spliceBody on the response a parent writes with parent,
// after a first piece of firstLen bytes.
type spliceRun struct {
	got     []byte        // what reached the app: the first piece, then the socket's bytes
	br      *bufio.Reader // the parent connection's reader, after the body
	err     error
	spliced bool
	moved   int64 // bytes splice(2) moved
	// buffered is what the parent's reader held when the splice began.
	buffered int
}

func runSplice(t *testing.T, firstLen int, idle time.Duration, parent func(c *net.TCPConn, headRead <-chan struct{})) spliceRun {
	t.Helper()
	pw, pr := testenv.TCPPair(t)
	ferryOut, app := testenv.TCPPair(t)
	headRead := make(chan struct{})
	go parent(pw, headRead)
	_ = pr.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReaderSize(pr, 16<<10)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		t.Fatal(err)
	}
	first := &firstPiece{r: resp.Body}
	if err := first.read(make([]byte, firstLen)); err != nil {
		t.Fatal(err)
	}
	close(headRead)
	w := &rawRecorder{dst: ferryOut, left: -1}
	if resp.ContentLength >= 0 {
		w.left = resp.ContentLength - int64(len(first.buf))
	}
	appGot := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(app); appGot <- b }()
	run := spliceRun{br: br, buffered: br.Buffered()}
	before := splicedBytes.Load()
	run.spliced, run.err = spliceBody(w, &http.Request{Method: http.MethodGet}, resp, &bodySource{nc: pr, br: br}, first, idle)
	run.moved = splicedBytes.Load() - before
	_ = ferryOut.CloseWrite()
	run.got = append(w.buf.Bytes(), <-appGot...)
	return run
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// A body of known length moves to the app byte for byte, and not one
// byte further: what the parent sends after it (the next response on a
// pooled connection) stays for the next read.
func TestSpliceBodyExactLengthLeavesNextResponse(t *testing.T) {
	body := randomBytes(3<<20 + 17)
	run := runSplice(t, 32<<10, 5*time.Second, func(c *net.TCPConn, _ <-chan struct{}) {
		_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))
		for off := 0; off < len(body); off += 64 << 10 {
			piece := body[off:min(off+64<<10, len(body))]
			if off+64<<10 >= len(body) {
				piece = append(append([]byte(nil), piece...), "HTTP/1.1 204 No Content\r\n\r\n"...)
			}
			if _, err := c.Write(piece); err != nil {
				return
			}
		}
	})
	if run.err != nil || !run.spliced {
		t.Fatalf("spliced %v, err %v", run.spliced, run.err)
	}
	if !bytes.Equal(run.got, body) {
		t.Fatalf("the app got %d bytes, want the %d of the body", len(run.got), len(body))
	}
	if run.moved == 0 {
		t.Fatal("no byte went through splice(2)")
	}
	next, err := http.ReadResponse(run.br, &http.Request{Method: http.MethodGet})
	if err != nil || next.StatusCode != http.StatusNoContent {
		t.Fatalf("the response after the body: %v %v", next, err)
	}
}

// Bytes of the body the parent's reader holds already go out first, in
// order, before what is still on the socket.
func TestSpliceBodyBufferedBytesGoFirst(t *testing.T) {
	body := randomBytes(300 << 10)
	run := runSplice(t, 100, 5*time.Second, func(c *net.TCPConn, headRead <-chan struct{}) {
		_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:8<<10])
		<-headRead
		_, _ = c.Write(body[8<<10:])
	})
	if run.buffered == 0 {
		t.Fatal("the parent's reader held nothing of the body: the test does not test what it says")
	}
	if run.err != nil || !run.spliced {
		t.Fatalf("spliced %v, err %v", run.spliced, run.err)
	}
	if !bytes.Equal(run.got, body) {
		t.Fatalf("the app got %d bytes (first difference at %d), want the %d of the body", len(run.got), firstDiff(run.got, body), len(body))
	}
	if run.moved == 0 {
		t.Fatal("no byte went through splice(2)")
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// A parent that closes before the length it promised gives the error the
// copied body gives (net/http's body reader): io.ErrUnexpectedEOF.
func TestSpliceBodyShortBody(t *testing.T) {
	body := randomBytes(200 << 10)
	run := runSplice(t, 32<<10, 5*time.Second, func(c *net.TCPConn, _ <-chan struct{}) {
		_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", 1<<20)
		_, _ = c.Write(body)
		c.Close()
	})
	if !run.spliced || !errors.Is(run.err, io.ErrUnexpectedEOF) {
		t.Fatalf("spliced %v, err %v, want io.ErrUnexpectedEOF", run.spliced, run.err)
	}
	if !bytes.Equal(run.got, body) {
		t.Fatalf("the app got %d bytes, want the %d sent", len(run.got), len(body))
	}
}

// A body that ends with the parent's connection goes to an app whose
// answer ends with its own connection.
func TestSpliceBodyCloseDelimited(t *testing.T) {
	body := randomBytes(1<<20 + 5)
	run := runSplice(t, 32<<10, 5*time.Second, func(c *net.TCPConn, _ <-chan struct{}) {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
		_, _ = c.Write(body)
		c.Close()
	})
	if run.err != nil || !run.spliced {
		t.Fatalf("spliced %v, err %v", run.spliced, run.err)
	}
	if !bytes.Equal(run.got, body) {
		t.Fatalf("the app got %d bytes, want the %d of the body", len(run.got), len(body))
	}
	if run.moved == 0 {
		t.Fatal("no byte went through splice(2)")
	}
}

// A parent that goes silent mid-body fails the body after the idle
// timeout, as a copied body does, instead of holding the app forever.
func TestSpliceBodyParentSilenceTimesOut(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	run := runSplice(t, 32<<10, 200*time.Millisecond, func(c *net.TCPConn, _ <-chan struct{}) {
		_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", 1<<20)
		_, _ = c.Write(randomBytes(100 << 10))
		<-stop
	})
	var ne net.Error
	if !run.spliced || !errors.As(run.err, &ne) || !ne.Timeout() {
		t.Fatalf("spliced %v, err %v, want a timeout", run.spliced, run.err)
	}
}

// Through the relay: a download of known length is spliced, and both
// connections stay open for the next request (the parent's back in the
// pool, the app's kept alive).
func TestSplicedDownloadKeepsBothConnections(t *testing.T) {
	body := randomBytes(2<<20 + 3)
	var accepted atomic.Int64
	parent := testenv.ServeTCP(t, func(c net.Conn) {
		accepted.Add(1)
		br := bufio.NewReader(c)
		for {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
			_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", len(body))
			for off := 0; off < len(body); off += 256 << 10 {
				if _, err := c.Write(body[off:min(off+256<<10, len(body))]); err != nil {
					return
				}
			}
		}
	})
	_, proxy := startRelay(t, Config{Parents: []string{parent}})
	before := splicedBytes.Load()
	c, err := net.Dial("tcp", proxy.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(c)
	for i := range 3 {
		if _, err := io.WriteString(c, "GET http://origin.example/big HTTP/1.1\r\nHost: origin.example\r\n\r\n"); err != nil {
			t.Fatalf("request %d: %v (the app's connection was not kept)", i+1, err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v (the app's connection was not kept)", i+1, err)
		}
		got, err := io.ReadAll(resp.Body)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("response %d: %d bytes, err %v; want the %d of the body", i+1, len(got), err, len(body))
		}
		if resp.Close {
			t.Fatalf("response %d closes the app's connection", i+1)
		}
	}
	if n := accepted.Load(); n != 1 {
		t.Fatalf("the parent saw %d connections for 3 requests, want 1 (pooled after each spliced body)", n)
	}
	if moved := splicedBytes.Load() - before; moved < 3*int64(len(body)-64<<10) {
		t.Fatalf("splice(2) moved %d bytes of 3 bodies of %d", moved, len(body))
	}
}

// A body that ends with the parent's connection is spliced to an HTTP/1.0
// app, whose answer ends with its connection too; an HTTP/1.1 app gets it
// chunked, copied as before, and whole.
func TestCloseDelimitedDownloadByAppVersion(t *testing.T) {
	body := randomBytes(1<<20 + 11)
	parent := testenv.ServeTCP(t, func(c net.Conn) {
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n")
		for off := 0; off < len(body); off += 128 << 10 {
			if _, err := c.Write(body[off:min(off+128<<10, len(body))]); err != nil {
				return
			}
		}
	})
	_, proxy := startRelay(t, Config{Parents: []string{parent}})
	for _, c := range []struct {
		proto   string
		spliced bool
		chunked bool
	}{{"HTTP/1.0", true, false}, {"HTTP/1.1", false, true}} {
		before := splicedBytes.Load()
		conn, br := rawProxy(t, proxy.Host, "GET http://origin.example/stream "+c.proto+"\r\nHost: origin.example\r\n\r\n")
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.proto, err)
		}
		got, err := io.ReadAll(resp.Body)
		conn.Close()
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("%s: %d bytes, err %v; want the %d of the body", c.proto, len(got), err, len(body))
		}
		if chunked := len(resp.TransferEncoding) > 0; chunked != c.chunked {
			t.Fatalf("%s: chunked %v, want %v", c.proto, chunked, c.chunked)
		}
		if moved := splicedBytes.Load() - before; (moved > 0) != c.spliced {
			t.Fatalf("%s: splice(2) moved %d bytes, want spliced %v", c.proto, moved, c.spliced)
		}
	}
}
