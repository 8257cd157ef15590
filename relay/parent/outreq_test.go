package parent

import (
	"bufio"
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func head(t *testing.T, o *Request, auth string, withBody bool) string {
	t.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := o.writeHead(w, auth, withBody); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return buf.String()
}

func TestWriteHeadHandshakeLegHasNoBody(t *testing.T) {
	o := &Request{method: "POST", target: "http://o.example/up", host: "o.example",
		header: http.Header{"X-A": {"1"}}, body: newBody(strings.NewReader("abc"), 3)}
	leg := head(t, o, "NTLM TlRMTVNTUAAB", false)
	want := "POST http://o.example/up HTTP/1.1\r\nHost: o.example\r\nX-A: 1\r\nContent-Length: 0\r\nProxy-Authorization: NTLM TlRMTVNTUAAB\r\n\r\n"
	if leg != want {
		t.Fatalf("handshake leg:\n%q\nwant\n%q", leg, want)
	}
	final := head(t, o, "", true)
	if !strings.Contains(final, "Content-Length: 3\r\n") || strings.Contains(final, "Proxy-Authorization") {
		t.Fatalf("final leg: %q", final)
	}
}

func TestWriteHeadChunkedBodyAndConnect(t *testing.T) {
	o := &Request{method: "PUT", target: "http://o.example/", host: "o.example", header: http.Header{},
		body: newBody(strings.NewReader("abc"), -1)}
	if got := head(t, o, "", true); !strings.Contains(got, "Transfer-Encoding: chunked\r\n") {
		t.Fatalf("unknown length must go chunked: %q", got)
	}
	c := &Request{method: "CONNECT", target: "o.example:443", host: "o.example:443", header: http.Header{}}
	if got := head(t, c, "", true); got != "CONNECT o.example:443 HTTP/1.1\r\nHost: o.example:443\r\n\r\n" {
		t.Fatalf("CONNECT: %q", got)
	}
}

func TestWriteHeadNeutralisesHeaderInjection(t *testing.T) {
	o := &Request{method: "GET", target: "http://o.example/", host: "o.example",
		header: http.Header{"X-A": {"a\r\nProxy-Authorization: stolen"}}}
	if got := head(t, o, "", false); strings.Contains(got, "\r\nProxy-Authorization") {
		t.Fatalf("CRLF in a header value split the head: %q", got)
	}
}

func TestWriteBodyChunked(t *testing.T) {
	o := &Request{method: "PUT", body: newBody(strings.NewReader("hello"), -1)}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := o.writeBody(w); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if got := buf.String(); got != "5\r\nhello\r\n0\r\n\r\n" {
		t.Fatalf("chunked body %q", got)
	}
}

func TestNewOutRequestFramesBodyOnce(t *testing.T) {
	r, _ := http.NewRequest("POST", "http://o.example/up", strings.NewReader("hello"))
	r.Header.Set("Content-Length", "5") // as net/http's server leaves it
	r.Header.Set("Expect", "100-continue")
	o := NewRequest(r, nil, "")
	for _, withBody := range []bool{false, true} {
		got := head(t, o, "NTLM x", withBody)
		if n := strings.Count(got, "Content-Length:"); n != 1 {
			t.Fatalf("withBody=%v: %d Content-Length lines in\n%s", withBody, n, got)
		}
		if strings.Contains(got, "Expect") {
			t.Fatalf("Expect reached the parent:\n%s", got)
		}
	}
}

func TestNewOutRequestFiltersHeadersAsItWrites(t *testing.T) {
	r, _ := http.NewRequest("GET", "http://o.example/", nil)
	r.Header.Set("Connection", "keep-alive, x-hop")
	r.Header.Set("X-Hop", "1")
	r.Header.Set("Proxy-Authorization", "Basic YXBwOnNlY3JldA==")
	r.Header.Set("Proxy-Connection", "keep-alive")
	r.Header.Set("User-Agent", "app/1")
	r.Header.Set("X-Kept", "yes")
	before := r.Header.Clone()
	o := NewRequest(r, http.Header{"User-Agent": {"corp-agent"}, "X-Extra": {"e"}}, "")
	got := head(t, o, "", false)
	for _, want := range []string{"X-Kept: yes\r\n", "User-Agent: corp-agent\r\n", "X-Extra: e\r\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	for _, gone := range []string{"X-Hop", "Proxy-Authorization", "Proxy-Connection", "Connection", "app/1"} {
		if strings.Contains(got, gone) {
			t.Errorf("%q reached the parent:\n%s", gone, got)
		}
	}
	if !reflect.DeepEqual(r.Header, before) {
		t.Errorf("the app's request header changed: %v, was %v", r.Header, before)
	}
}
