package doctor

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
)

// probeResult is what the parent answered a request without credentials.
type probeResult struct {
	status        string           // "407 Proxy Authentication Required"
	offered       []auth.Challenge // from Proxy-Authenticate
	rawChallenges string           // the schemes as sent, tokens cut
}

// proxyMarkers are headers only a proxy adds to a response (RFC 9110 7.6.3
// Via, RFC 9209 Proxy-Status) or that common proxies send (squid's
// X-Squid-Error and X-Cache).
var proxyMarkers = []string{"Via", "Proxy-Status", "X-Squid-Error", "X-Cache", "X-Cache-Lookup", "Proxy-Agent", "Proxy-Authenticate"}

func hasProxyMarker(h http.Header) bool {
	for _, k := range proxyMarkers {
		if h.Get(k) != "" {
			return true
		}
	}
	return false
}

// probe sends one request without credentials on conn and tells a proxy
// from a TLS port, a web server and silence. It closes conn.
func probe(ctx context.Context, conn net.Conn, parent, httpURL, httpsURL string, connectTO, headerTO time.Duration) (*probeResult, *fault) {
	defer conn.Close()
	target := httpURL
	if target == "" {
		target = DefaultURLs[0]
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fail(msg.ConfigInvalid, "test URL %q: %v", target, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	_ = conn.SetDeadline(time.Now().Add(headerTO))
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ferry-doctor\r\nAccept: */*\r\n\r\n", u.String(), u.Host)
	if _, err := io.WriteString(conn, req); err != nil {
		return nil, fail(msg.ParentError, "%s accepted the connection, then failed the request: %v", parent, err)
	}
	br := bufio.NewReader(conn)
	if _, err := br.Peek(1); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			if st := selfAnswer(ctx, parent, connectTO); st != "" {
				return nil, fail(msg.OriginUnreachable, "%s sent nothing within %s for GET %s, yet answers a request it handles itself at once (%s): the proxy is there, the site is out of its reach (offline, or a site only reachable inside the company: pass --url with a page the proxy can reach)", parent, headerTO, target, st)
			}
			return nil, fail(msg.ParentTimeout, "%s accepted the connection but sent nothing within %s after a request (set timeouts.response_header to wait longer)", parent, headerTO)
		}
		if speaksTLS(ctx, parent, connectTO) {
			// A TLS server closes a connection that starts with plain
			// text (Go's does unless it looks like an origin-form request).
			return nil, fail(msg.ParentNotProxy, "%s closed the connection on a plain HTTP request, and completes a TLS handshake: it is a TLS port", parent)
		}
		return nil, fail(msg.ParentError, "%s accepted the connection, then closed it without answering a request (%v)", parent, err)
	}
	first, _ := br.Peek(min(br.Buffered(), 64))
	if first[0] == 0x15 || first[0] == 0x16 {
		return nil, fail(msg.ParentNotProxy, "%s answered with TLS (record type 0x%02x), not HTTP: it is a TLS port", parent, first[0])
	}
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		return nil, fail(msg.ParentNotProxy, "%s answered with something that is not HTTP: %q", parent, first)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<10))
	resp.Body.Close()
	status := resp.Status
	if resp.StatusCode == http.StatusProxyAuthRequired {
		vals := resp.Header.Values("Proxy-Authenticate")
		return &probeResult{status: status, offered: auth.ParseChallenges(vals), rawChallenges: cutTokens(vals)}, nil
	}
	if strings.Contains(string(body), "HTTPS server") {
		return nil, fail(msg.ParentNotProxy, "%s answered %s: %q: it is an HTTPS port", parent, status, firstLine(strings.TrimSpace(string(body))))
	}
	if hasProxyMarker(resp.Header) {
		return &probeResult{status: status}, nil
	}
	// No sign of a proxy in the answer: a proxy without logon that adds no
	// Via would still open a CONNECT tunnel, a web server never does.
	cstatus, chdr, cerr := connectProbe(ctx, parent, httpsURL, connectTO, headerTO)
	if cerr == nil && (cstatus == http.StatusOK || cstatus == http.StatusProxyAuthRequired || hasProxyMarker(chdr)) {
		return &probeResult{status: status}, nil
	}
	csay := fmt.Sprint(cstatus)
	if cerr != nil {
		csay = cerr.Error()
	}
	server := resp.Header.Get("Server")
	if server == "" {
		server = "not named"
	}
	return nil, fail(msg.ParentNotProxy, "%s answered GET %s with %s (server %s) and no sign of a proxy (no Via header), and CONNECT with %s: it is a web server, not a proxy",
		parent, target, status, server, csay)
}

// connectProbe asks the parent for a tunnel without credentials.
func connectProbe(ctx context.Context, parent, httpsURL string, connectTO, headerTO time.Duration) (int, http.Header, error) {
	hostport := "example.com:443"
	if u, err := url.Parse(httpsURL); err == nil && u.Host != "" {
		hostport = u.Host
		if u.Port() == "" {
			hostport += ":443"
		}
	}
	d := net.Dialer{Timeout: connectTO}
	c, err := d.DialContext(ctx, "tcp", parent)
	if err != nil {
		return 0, nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(headerTO))
	if _, err := fmt.Fprintf(c, "CONNECT %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ferry-doctor\r\n\r\n", hostport, hostport); err != nil {
		return 0, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: http.MethodConnect})
	if err != nil {
		return 0, nil, err
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header, nil
}

// cutTokens shows the challenges without their tokens, which say nothing
// to a person and make lines long.
func cutTokens(vals []string) string {
	var out []string
	for _, v := range vals {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
		if strings.Contains(rest, "=") && !strings.HasSuffix(strings.TrimSpace(rest), "=") {
			out = append(out, scheme+" "+rest) // auth-params (Basic realm, Digest)
			continue
		}
		out = append(out, scheme)
	}
	return strings.Join(out, ", ")
}

var htmlTitle = regexp.MustCompile(`(?is)<title>\s*(.*?)\s*</title>`)

// pageEvidence describes a parent's own answer (a block page, an error
// page): its status, squid's error code, the page title.
func pageEvidence(who string, resp *http.Response, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s answered %s", who, resp.Status)
	for _, k := range []string{"X-Squid-Error", "Proxy-Status", "Via"} {
		if v := resp.Header.Get(k); v != "" {
			fmt.Fprintf(&b, "; %s: %s", k, v)
		}
	}
	if m := htmlTitle.FindSubmatch(body); m != nil {
		fmt.Fprintf(&b, "; page title %q", string(m[1]))
	}
	return b.String()
}

// speaksTLS reports whether parent completes a TLS handshake. The
// certificate does not matter here, only the protocol.
func speaksTLS(ctx context.Context, parent string, timeout time.Duration) bool {
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: timeout}, Config: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // a protocol probe, nothing is sent
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := d.DialContext(hctx, "tcp", parent)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// selfAnswer asks the parent something it answers without any site: an
// origin-form GET / (RFC 9112 3.2.1 form a proxy refuses at once, squid
// with 400). A status back means the proxy lives and a silence on a real
// URL is the site's; "" means no answer either.
func selfAnswer(ctx context.Context, parent string, timeout time.Duration) string {
	timeout = min(timeout, 5*time.Second)
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", parent)
	if err != nil {
		return ""
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	host, _, _ := net.SplitHostPort(parent)
	if _, err := fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: ferry-doctor\r\nConnection: close\r\n\r\n", host); err != nil {
		return ""
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: http.MethodGet})
	if err != nil {
		return ""
	}
	resp.Body.Close()
	return resp.Status
}
