package testenv

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPatternIsDeterministicWhateverTheReadSizes(t *testing.T) {
	const n = 100_003
	whole, err := io.ReadAll(Pattern(n))
	if err != nil || len(whole) != n {
		t.Fatalf("ReadAll(Pattern(%d)) = %d bytes, %v", n, len(whole), err)
	}
	// Odd read sizes cross the generator's word boundaries at every offset.
	var pieces bytes.Buffer
	r := Pattern(n)
	buf := make([]byte, 13)
	for i := 1; ; i++ {
		k, err := r.Read(buf[:1+i%13])
		pieces.Write(buf[:k])
		if err == io.EOF {
			break
		}
	}
	if !bytes.Equal(whole, pieces.Bytes()) {
		t.Fatal("Pattern differs between one large read and many small ones")
	}
	sum := sha256.Sum256(whole)
	if got := PatternSHA256(n); got != hex.EncodeToString(sum[:]) {
		t.Fatalf("PatternSHA256 = %s, want %x", got, sum)
	}
	if bytes.Count(whole, whole[:16]) != 1 {
		t.Fatal("Pattern repeats itself")
	}
}

func TestOriginEchoBytesAndSHA256(t *testing.T) {
	o := StartOrigin(t)
	c := o.Client(nil)
	for _, base := range []string{o.URL, o.TLSURL} {
		req, _ := http.NewRequest("GET", base+"/echo?x=1", nil)
		req.Header.Set("X-Probe", "yes")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s/echo: %v", base, err)
		}
		var e EchoReply
		if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
			t.Fatalf("decode echo: %v", err)
		}
		resp.Body.Close()
		if e.Method != "GET" || e.URL != "/echo?x=1" || e.Header.Get("X-Probe") != "yes" {
			t.Errorf("echo from %s = %+v", base, e)
		}

		resp, err = c.Get(base + "/bytes?n=5000")
		if err != nil {
			t.Fatalf("GET /bytes: %v", err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want, _ := io.ReadAll(Pattern(5000))
		if !bytes.Equal(got, want) {
			t.Errorf("/bytes?n=5000 from %s: %d bytes, not the pattern", base, len(got))
		}

		const size = 3<<20 + 5
		resp, err = c.Post(base+"/sha256", "application/octet-stream", Pattern(size))
		if err != nil {
			t.Fatalf("POST /sha256: %v", err)
		}
		var s SumReply
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatalf("decode sum: %v", err)
		}
		resp.Body.Close()
		if s.Length != size || s.SHA256 != PatternSHA256(size) {
			t.Errorf("/sha256 from %s = %+v, want length %d sha256 %s", base, s, size, PatternSHA256(size))
		}
	}
}

func TestOriginWebSocketEchoesAfterUpgrade(t *testing.T) {
	o := StartOrigin(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(o.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nhello")
	buf := make([]byte, 0, 512)
	tmp := make([]byte, 512)
	for !bytes.HasSuffix(buf, []byte("hello")) {
		n, err := conn.Read(tmp)
		if err != nil {
			t.Fatalf("read after upgrade: %v (got %q)", err, buf)
		}
		buf = append(buf, tmp[:n]...)
	}
	if !bytes.HasPrefix(buf, []byte("HTTP/1.1 101 ")) {
		t.Fatalf("upgrade answer = %q", buf)
	}
}
