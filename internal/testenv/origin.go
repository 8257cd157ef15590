package testenv

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Origin is a web server on 127.0.0.1 that the tests reach through the
// proxies, over plain HTTP and over TLS (for CONNECT).
//
//	GET  /echo        JSON EchoReply of the request as the origin saw it
//	GET  /bytes?n=N   N bytes of Pattern, streamed
//	POST /sha256      streams the body, answers JSON SumReply
//	GET  /ws          Upgrade: websocket, then echoes raw bytes back
type Origin struct {
	HTTP *httptest.Server
	TLS  *httptest.Server
	// URL and TLSURL are the base URLs: http://127.0.0.1:P and https://127.0.0.1:Q.
	URL, TLSURL string
	TLSPort     int
	// CAFile holds the TLS server's certificate in PEM, for curl --cacert.
	CAFile string
	// CertPool trusts the TLS server, for Go clients.
	CertPool *x509.CertPool
}

// EchoReply is what /echo answers.
type EchoReply struct {
	Method     string      `json:"method"`
	URL        string      `json:"url"` // the request target as received
	Host       string      `json:"host"`
	Proto      string      `json:"proto"`
	Header     http.Header `json:"header"`
	RemoteAddr string      `json:"remote_addr"`
}

// SumReply is what /sha256 answers.
type SumReply struct {
	SHA256 string `json:"sha256"`
	Length int64  `json:"length"`
}

// StartOrigin starts both servers and closes them at cleanup.
func StartOrigin(t testing.TB) *Origin {
	t.Helper()
	h := originHandler()
	o := &Origin{}
	o.HTTP = httptest.NewServer(h)
	o.TLS = httptest.NewUnstartedServer(h)
	o.TLS.StartTLS()
	t.Cleanup(func() {
		o.HTTP.CloseClientConnections()
		o.TLS.CloseClientConnections()
		o.HTTP.Close()
		o.TLS.Close()
	})
	o.URL, o.TLSURL = o.HTTP.URL, o.TLS.URL
	_, port, _ := net.SplitHostPort(o.TLS.Listener.Addr().String())
	o.TLSPort, _ = strconv.Atoi(port)

	o.CertPool = x509.NewCertPool()
	o.CertPool.AddCert(o.TLS.Certificate())
	o.CAFile = filepath.Join(TempDir(t), "origin-ca.pem")
	writeFile(t, o.CAFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: o.TLS.Certificate().Raw})), 0o644)
	return o
}

// Client returns an http.Client that sends everything through proxy (nil
// means direct) and trusts the origin's TLS certificate. Keep-alive is on;
// each Client has its own connection pool.
func (o *Origin) Client(proxy *url.URL) *http.Client {
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: o.CertPool},
		MaxIdleConnsPerHost: 100,
		// Go's default would also use HTTP_PROXY from the environment.
		Proxy: func(*http.Request) (*url.URL, error) { return proxy, nil },
	}
	return &http.Client{Transport: tr}
}

func originHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(EchoReply{
			Method: r.Method, URL: r.RequestURI, Host: r.Host, Proto: r.Proto,
			Header: r.Header, RemoteAddr: r.RemoteAddr,
		})
	})
	mux.HandleFunc("/bytes", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
		if err != nil || n < 0 {
			http.Error(w, "n must be a byte count", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		_, _ = io.Copy(w, Pattern(n))
	})
	mux.HandleFunc("/sha256", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodPut {
			http.Error(w, "POST a body", http.StatusMethodNotAllowed)
			return
		}
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(SumReply{SHA256: hex.EncodeToString(h.Sum(nil)), Length: n})
	})
	mux.HandleFunc("/ws", serveWebSocketEcho)
	return mux
}

// serveWebSocketEcho answers an Upgrade: websocket with 101 and then echoes
// whatever arrives. It does not speak WebSocket framing: the tests only need
// to see that an upgraded connection carries bytes both ways through ferry.
func serveWebSocketEcho(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		http.Error(w, "expected Upgrade: websocket", http.StatusBadRequest)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "hijack: "+err.Error(), http.StatusInternalServerError)
		return
	}
	defer conn.Close()
	_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	if err := brw.Flush(); err != nil {
		return
	}
	// brw.Reader holds what arrived with the request head, then reads conn.
	_, _ = io.Copy(conn, brw.Reader)
}

// Pattern returns n deterministic bytes, the same every time, without
// holding them in memory: the body /bytes serves and the large uploads send.
func Pattern(n int64) io.Reader {
	return io.LimitReader(&patternReader{}, n)
}

// PatternSHA256 is the hex sha256 of Pattern(n).
func PatternSHA256(n int64) string {
	h := sha256.New()
	_, _ = io.Copy(h, Pattern(n))
	return hex.EncodeToString(h.Sum(nil))
}

// patternBlock is the size of the blocks Pattern is made of.
const patternBlock = 64 << 10

// patternReader yields 64 KiB blocks of one xorshift stream, each stamped
// with its block number so no two blocks are alike: a chunk duplicated or
// dropped in transit changes the sha256. Copying a block, rather than
// generating every word, keeps the generator fast under -race, where each
// store in a loop is instrumented but a copy is checked once.
type patternReader struct {
	block []byte
	off   int64
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.block == nil {
		p.block = make([]byte, patternBlock)
		state := uint64(0x9e3779b97f4a7c15)
		for i := 0; i < patternBlock; i += 8 {
			state ^= state << 13
			state ^= state >> 7
			state ^= state << 17
			binary.LittleEndian.PutUint64(p.block[i:], state)
		}
	}
	n := 0
	for n < len(b) {
		var stamp [8]byte
		binary.LittleEndian.PutUint64(stamp[:], uint64(p.off/patternBlock)^0xa5a5a5a5a5a5a5a5)
		in := int(p.off % patternBlock)
		k := copy(b[n:], p.block[in:])
		// The stamp overwrites the block's first 8 bytes.
		for i := in; i < 8 && i-in < k; i++ {
			b[n+i-in] = stamp[i]
		}
		n += k
		p.off += int64(k)
	}
	return n, nil
}
