package e2e

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// ferryAuth is the [auth] table of ferry's config.
type ferryAuth struct {
	Scheme, User, Domain, Password, Realm string
}

// ferryConfig renders a ferry TOML config listening on a free loopback port.
func ferryConfig(parents []string, a ferryAuth) string {
	var b strings.Builder
	b.WriteString("listen = [\"127.0.0.1:0\"]\n")
	quoted := make([]string, len(parents))
	for i, p := range parents {
		quoted[i] = strconv.Quote(p)
	}
	fmt.Fprintf(&b, "parents = [%s]\n", strings.Join(quoted, ", "))
	b.WriteString("no_proxy = []\n\n[auth]\n")
	scheme := a.Scheme
	if scheme == "" {
		scheme = "auto"
	}
	fmt.Fprintf(&b, "scheme = %q\n", scheme)
	for _, kv := range [][2]string{{"user", a.User}, {"domain", a.Domain}, {"password", a.Password}, {"realm", a.Realm}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "%s = %q\n", kv[0], kv[1])
		}
	}
	b.WriteString("lockout_cooldown = \"10m\"\n")
	return b.String()
}

// parent is one kind of parent proxy ferry must authenticate to.
type parent struct {
	Name  string
	Squid *testenv.Squid
	Auth  ferryAuth
	Env   []string // for ferry: KRB5_CONFIG, KRB5CCNAME
	// Secrets must never appear in ferry's log.
	Secrets []string
}

// parentKind starts a parent of one kind that accepts alice.
type parentKind struct {
	name  string
	start func(t *testing.T, o *testenv.Origin, opts testenv.SquidOptions) parent
}

func parentKinds() []parentKind {
	return []parentKind{
		{"basic", startBasicParent},
		{"digest", startDigestParent},
		{"ntlm", startNTLMParent},
		{"ntlm-verified", startVerifiedNTLMParent},
		{"negotiate-ccache", startNegotiateCCacheParent},
		{"negotiate-password", startNegotiatePasswordParent},
	}
}

func startBasicParent(t *testing.T, o *testenv.Origin, opts testenv.SquidOptions) parent {
	const pw = "Basic-pw 1!"
	opts.Auth, opts.Users = testenv.SquidAuthBasic, map[string]string{"alice": pw}
	opts.SSLPorts = append(opts.SSLPorts, o.TLSPort)
	return parent{
		Name: "basic", Squid: testenv.StartSquid(t, opts),
		Auth:    ferryAuth{User: "alice", Password: pw},
		Secrets: []string{pw, base64.StdEncoding.EncodeToString([]byte("alice:" + pw))},
	}
}

func startDigestParent(t *testing.T, o *testenv.Origin, opts testenv.SquidOptions) parent {
	const pw = "Digest-pw 2!"
	opts.Auth, opts.Users = testenv.SquidAuthDigest, map[string]string{"alice": pw}
	opts.SSLPorts = append(opts.SSLPorts, o.TLSPort)
	return parent{
		Name: "digest", Squid: testenv.StartSquid(t, opts),
		Auth:    ferryAuth{User: "alice", Password: pw},
		Secrets: []string{pw},
	}
}

func startNTLMParent(t *testing.T, o *testenv.Origin, opts testenv.SquidOptions) parent {
	const pw = "Ntlm-pw 3!"
	opts.Auth = testenv.SquidAuthNTLM
	opts.SSLPorts = append(opts.SSLPorts, o.TLSPort)
	return parent{
		Name: "ntlm", Squid: testenv.StartSquid(t, opts),
		Auth:    ferryAuth{User: "alice", Domain: "CORP", Password: pw},
		Secrets: []string{pw},
	}
}

// startVerifiedNTLMParent is an NTLM parent that checks the NTLMv2 response
// against the password (Samba's ntlm_auth and winbindd), unlike the fake
// helper, which accepts anything.
func startVerifiedNTLMParent(t *testing.T, o *testenv.Origin, opts testenv.SquidOptions) parent {
	const pw = "Ntlm-pw 6!"
	v := testenv.StartNTLMVerifier(t, map[string]string{"ferryalice": pw})
	opts.Auth, opts.NTLM = testenv.SquidAuthNTLM, v
	opts.SSLPorts = append(opts.SSLPorts, o.TLSPort)
	return parent{
		Name: "ntlm-verified", Squid: testenv.StartSquid(t, opts),
		Auth:    ferryAuth{User: "ferryalice", Domain: v.Domain, Password: pw},
		Secrets: []string{pw},
	}
}

func startNegotiateCCacheParent(t *testing.T, o *testenv.Origin, opts testenv.SquidOptions) parent {
	const pw = "Kerb-pw 4!"
	kdc := testenv.StartKDC(t)
	kdc.AddUser(t, "alice", pw)
	ccache := filepath.Join(testenv.TempDir(t), "krb5cc_alice")
	kdc.Kinit(t, "alice", pw, ccache)
	opts.Auth, opts.KDC = testenv.SquidAuthNegotiate, kdc
	opts.SSLPorts = append(opts.SSLPorts, o.TLSPort)
	return parent{
		Name: "negotiate-ccache", Squid: testenv.StartSquid(t, opts),
		Auth:    ferryAuth{Scheme: "negotiate", User: "alice", Realm: kdc.Realm},
		Env:     []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + ccache},
		Secrets: []string{pw},
	}
}

func startNegotiatePasswordParent(t *testing.T, o *testenv.Origin, opts testenv.SquidOptions) parent {
	const pw = "Kerb-pw 5!"
	kdc := testenv.StartKDC(t)
	kdc.AddUser(t, "alice", pw)
	opts.Auth, opts.KDC = testenv.SquidAuthNegotiate, kdc
	opts.SSLPorts = append(opts.SSLPorts, o.TLSPort)
	return parent{
		Name: "negotiate-password", Squid: testenv.StartSquid(t, opts),
		Auth: ferryAuth{Scheme: "negotiate", User: "alice", Realm: kdc.Realm, Password: pw},
		// An empty cache file path keeps ferry from finding a stray default cache.
		Env:     []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + filepath.Join(testenv.TempDir(t), "no-such-ccache")},
		Secrets: []string{pw},
	}
}

// proxyClient returns a client that goes through ferry and trusts the
// origin's certificate. Its idle connections are closed before ferry stops:
// an idle CONNECT tunnel is in flight for ferry, which would wait for it.
func proxyClient(t *testing.T, o *testenv.Origin, f *testenv.Ferry) *http.Client {
	c := o.Client(f.ProxyURL)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// checkLogClean fails t when ferry logged a password or any credential token
// the parent received (squid's helper transcript holds the tokens).
func checkLogClean(t *testing.T, f *testenv.Ferry, p parent) {
	t.Helper()
	secrets := append([]string{}, p.Secrets...)
	for _, l := range p.Squid.HelperRequests() {
		if tok, ok := strings.CutPrefix(l, "YR "); ok {
			secrets = append(secrets, tok)
		} else if tok, ok := strings.CutPrefix(l, "KK "); ok {
			secrets = append(secrets, tok)
		}
	}
	f.AssertLogHasNo(t, secrets...)
}

// fetchWith GETs url through c with header added and returns the response
// (its body read and closed) and the body.
func fetchWith(t *testing.T, c *http.Client, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// getEcho GETs url through c and returns what the origin saw.
func getEcho(t *testing.T, c *http.Client, url string, header http.Header) testenv.EchoReply {
	t.Helper()
	resp, body := fetchWith(t, c, url, header)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body:\n%s", url, resp.StatusCode, body)
	}
	var e testenv.EchoReply
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("GET %s: %v in %q", url, err, body)
	}
	return e
}

// checkOriginHeaders fails t when a proxy-only header reached the origin.
func checkOriginHeaders(t *testing.T, e testenv.EchoReply) {
	t.Helper()
	for _, h := range []string{"Proxy-Authorization", "Proxy-Connection", "Proxy-Authenticate"} {
		if v := e.Header.Values(h); len(v) > 0 {
			t.Errorf("the origin received %s: %q", h, v)
		}
	}
}

// upload POSTs n pattern bytes to the origin's /sha256 through c, with a
// Content-Length or chunked, and checks the origin got every byte.
func upload(t *testing.T, c *http.Client, base string, n int64, chunked bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/sha256", testenv.Pattern(n))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	if !chunked {
		req.ContentLength = n
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %d bytes: %v", n, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("POST %d bytes: status %d, reading the body: %v (got %q)", n, resp.StatusCode, err, body)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %d bytes: status %d, body:\n%s", n, resp.StatusCode, body)
	}
	var s testenv.SumReply
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatalf("POST %d bytes: %v in %q", n, err, body)
	}
	if want := testenv.PatternSHA256(n); s.Length != n || s.SHA256 != want {
		t.Fatalf("POST %d bytes: origin got %d bytes sha256 %s, want %s", n, s.Length, s.SHA256, want)
	}
	t.Logf("POST %.1f MB (chunked=%v) in %v", float64(n)/(1<<20), chunked, time.Since(start).Round(time.Millisecond))
}

// curl runs curl through ferry and returns the body and HTTP status.
func curl(t *testing.T, args ...string) (body string, status int) {
	t.Helper()
	testenv.Require(t, "curl", "curl")
	args = append([]string{"-sS", "--max-time", "60", "-w", "\n%{http_code}"}, args...)
	cmd := exec.Command("curl", args...)
	cmd.Env = cleanCurlEnv()
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Errorf("curl %s: %v: %s", strings.Join(args, " "), err, stderr)
	}
	s := string(out)
	i := strings.LastIndexByte(s, '\n')
	if i < 0 {
		return s, 0
	}
	status, _ = strconv.Atoi(s[i+1:])
	return s[:i], status
}

func cleanCurlEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasSuffix(strings.ToLower(k), "_proxy") {
			env = append(env, kv)
		}
	}
	return env
}

// rawExchange sends request bytes on a new connection to addr and reads one
// response; with waitClose it reports whether the server then closed the
// connection (within 5 s).
func rawExchange(t *testing.T, addr, request string, waitClose bool) (resp *http.Response, body []byte, closed bool) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read response to %q: %v", firstLine(request), err)
	}
	body, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of the response to %q: %v", firstLine(request), err)
	}
	resp.Body.Close()
	if !waitClose {
		return resp, body, false
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = br.ReadByte()
	return resp, body, err == io.EOF
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\r\n")
	return line
}

// squidRequests counts the access log entries with the method and status.
func squidRequests(sq *testenv.Squid, method string, status int) int {
	n := 0
	for _, e := range sq.AccessLog() {
		if e.Method == method && e.Status == status {
			n++
		}
	}
	return n
}

// waitLog waits up to 10 s for ferry to log msg.
func waitLog(t *testing.T, f *testenv.Ferry, msg string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(f.Stderr(), msg) {
			return
		}
	}
	t.Fatalf("ferry did not log %q; its log:\n%s", msg, f.Stderr())
}
