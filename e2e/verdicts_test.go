package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay"
)

// These tests produce verdicts for real, against squid and the MIT KDC, and
// check what the app is told: status, Proxy-Status verdict and page words.

// verdictOf sends a GET for url through ferry and returns the status, the
// verdict from Proxy-Status ("" for a success) and the body.
func verdictOf(t *testing.T, f *testenv.Ferry, url, lang string) (int, string, string) {
	t.Helper()
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nAccept-Language: %s\r\nConnection: close\r\n\r\n", url, strings.TrimPrefix(url, "http://"), lang)
	resp, body, _ := rawExchange(t, f.Addr, req, false)
	v, _ := relay.VerdictFromProxyStatus(resp.Header.Get("Proxy-Status"))
	return resp.StatusCode, v, string(body)
}

// TestKerberosTicketExpiredWhileRunning: a ticket cache whose tickets expire
// while ferry runs gives the same verdict as a ferry started with an
// expired cache (kerberos_no_ticket: run kinit), not auth_scheme_unsupported.
func TestKerberosTicketExpiredWhileRunning(t *testing.T) {
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDCWith(t, testenv.KDCOptions{MaxLife: 15 * time.Second, MaxRenewableLife: 15 * time.Second})
	kdc.AddUser(t, "alice", "Alice-pw 1")
	ccache := filepath.Join(testenv.TempDir(t), "krb5cc")
	kdc.Kinit(t, "alice", "Alice-pw 1", ccache)
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc})
	cfg := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[timeouts]\npool_idle = \"500ms\"\n", sq.Addr)
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+ccache)
	if status, v, body := verdictOf(t, f, o.URL+"/echo", "en"); status != 200 {
		t.Fatalf("with a fresh ticket: %d %s\n%s", status, v, body)
	}
	time.Sleep(17 * time.Second) // the TGT and the service ticket expire; the idle connection is gone
	for _, lang := range []string{"en", "ja"} {
		status, v, body := verdictOf(t, f, o.URL+"/echo", lang)
		if status != http.StatusBadGateway || v != "kerberos_no_ticket" {
			t.Fatalf("%s: after the ticket expired: %d %s, want 502 kerberos_no_ticket\n%s", lang, status, v, body)
		}
		if !strings.Contains(body, "kinit") {
			t.Fatalf("%s: the page does not say to run kinit:\n%s", lang, body)
		}
	}
	if log := f.Stderr(); !strings.Contains(log, `level=INFO msg="request failed"`) || !strings.Contains(log, "expired at") {
		t.Fatalf("the log at the default level does not give the cause:\n%s", log)
	}
}

// TestNegotiateFallbackToNTLMWarnsOnce: a parent that offers Negotiate and
// NTLM, and no Kerberos ticket: ferry logs on with NTLM and says so at WARN,
// once, as README promises.
func TestNegotiateFallbackToNTLMWarnsOnce(t *testing.T) {
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDC(t)
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc, NTLMToo: true})
	cfg := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nuser = \"alice\"\ndomain = \"TESTDOM\"\n[timeouts]\npool_idle = \"300ms\"\n", sq.Addr)
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+filepath.Join(testenv.TempDir(t), "none"), "FERRY_PASSWORD=Alice-pw 1")
	for range 3 {
		if status, v, body := verdictOf(t, f, o.URL+"/echo", "en"); status != 200 {
			t.Fatalf("%d %s\n%s", status, v, body)
		}
		time.Sleep(500 * time.Millisecond) // a new parent connection, a new handshake
	}
	log := f.Stderr()
	if n := strings.Count(log, "using NTLM instead"); n != 1 || !strings.Contains(log, "level=WARN") {
		t.Fatalf("%d warnings about the fallback to NTLM, want 1:\n%s", n, log)
	}
}

// TestSmugglingThroughFerryToSquid: requests framed to smuggle a second
// request (RFC 9112 section 6.1) reach the origin, through ferry and a real
// squid, as one request at most.
func TestSmugglingThroughFerryToSquid(t *testing.T) {
	o := testenv.StartOrigin(t)
	sq := testenv.StartSquid(t, testenv.SquidOptions{})
	f := testenv.StartFerry(t, fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n", sq.Addr))
	host := strings.TrimPrefix(o.URL, "http://")
	smuggled := "GET " + o.URL + "/smuggled HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
	cases := []struct {
		name, req string
		status    int
	}{
		{"Content-Length and chunked", "POST " + o.URL + "/echo HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " +
			fmt.Sprint(len("0\r\n\r\n")+len(smuggled)) + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, 200},
		{"chunked in HTTP/1.0", "POST " + o.URL + "/echo HTTP/1.0\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n" +
			fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(smuggled), smuggled), 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body, closed := rawExchange(t, f.Addr, c.req, true)
			if resp.StatusCode != c.status || !closed {
				t.Fatalf("got %d, closed=%v, want %d and the connection closed\n%s", resp.StatusCode, closed, c.status, body)
			}
		})
	}
	time.Sleep(500 * time.Millisecond) // squid logs a little after it answers
	for _, e := range sq.AccessLog() {
		if strings.Contains(e.URL, "/smuggled") {
			t.Fatalf("a smuggled request reached squid: %+v", e)
		}
	}
}

// TestKerberosClockSkewVerdict: a KDC whose clock is 10 minutes ahead of
// this machine's (libfaketime) refuses ferry's logon for the skew; the app
// is told to fix the clock.
func TestKerberosClockSkewVerdict(t *testing.T) {
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDCWith(t, testenv.KDCOptions{ClockAhead: 10 * time.Minute})
	const pw = "Alice-pw 1"
	kdc.AddUser(t, "alice", pw)
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc})
	cfg := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nscheme = \"negotiate\"\nuser = \"alice\"\nrealm = %q\n", sq.Addr, kdc.Realm)
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+filepath.Join(testenv.TempDir(t), "none"), "FERRY_PASSWORD="+pw)
	for _, lang := range []string{"en", "ja"} {
		status, v, body := verdictOf(t, f, o.URL+"/echo", lang)
		if status != http.StatusBadGateway || v != "kerberos_clock_skew" || !strings.Contains(body, "NTP") {
			t.Fatalf("%s: %d %s, want 502 kerberos_clock_skew\n%s", lang, status, v, body)
		}
	}
	f.AssertLogHasNo(t, pw)
}

// TestKerberosUnknownSPNVerdict: a parent named by a name the KDC has no
// HTTP/ principal for gives kerberos_unknown_spn. Here the KDC forgets
// HTTP/127.0.0.1, as a KDC that knows the proxy only by its DNS name does
// not know its address.
func TestKerberosUnknownSPNVerdict(t *testing.T) {
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDC(t)
	kdc.AddUser(t, "alice", "Alice-pw 1")
	ccache := filepath.Join(testenv.TempDir(t), "krb5cc")
	kdc.Kinit(t, "alice", "Alice-pw 1", ccache)
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc})
	kdc.Kadmin(t, "delprinc -force HTTP/127.0.0.1")
	cfg := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nscheme = \"negotiate\"\n", sq.Addr)
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+ccache)
	for _, lang := range []string{"en", "ja"} {
		status, v, body := verdictOf(t, f, o.URL+"/echo", lang)
		if status != http.StatusBadGateway || v != "kerberos_unknown_spn" {
			t.Fatalf("%s: %d %s, want 502 kerberos_unknown_spn\n%s", lang, status, v, body)
		}
	}
}

// faultParent is a hand-written parent for the failures squid will not
// produce on demand: serve gets each connection (and closes it after).
func faultParent(t *testing.T, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); serve(c) }()
		}
	}()
	return ln.Addr().String()
}

// deadAddr is a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestEveryVerdictForReal produces each verdict an app can meet (the
// Kerberos ones have tests of their own above) through a real ferry, with
// squid as the parent wherever squid can produce the case, and checks what
// the app gets in English and Japanese, as text and as HTML: the status,
// Proxy-Status's verdict, the page's title in that language, and the log
// line at the default level.
func TestEveryVerdictForReal(t *testing.T) {
	o := testenv.StartOrigin(t)
	const pw = "Basic-pw 1!"
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthBasic, Users: map[string]string{"alice": pw},
		DenyDomains: []string{"blocked.example"}})
	host := strings.TrimPrefix(o.URL, "http://")
	get := func(url string) string {
		return "GET " + url + " HTTP/1.1\r\nHost: " + strings.TrimPrefix(url, "http://") + "\r\n"
	}
	basic := func(parent, user, password string) string {
		return ferryConfig([]string{parent}, ferryAuth{Scheme: "basic", User: user, Password: password})
	}
	silent := faultParent(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	ssh := faultParent(t, func(c net.Conn) { _, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n") })
	hangUp := faultParent(t, func(c net.Conn) { _, _ = bufio.NewReader(c).ReadString('\n') })
	pacFile := filepath.Join(testenv.TempDir(t), "throws.pac")
	if err := os.WriteFile(pacFile, []byte(`function FindProxyForURL(url, host) { return undefinedThing.proxy; }`), 0o644); err != nil {
		t.Fatal(err)
	}
	dead := deadAddr(t)

	cases := []struct {
		verdict string // "" for an answer that is the parent's own
		words   string // the catalogue entry the page shows, when not the verdict's
		status  int
		config  string
		before  string // a request made first (the failed logon before locked_out)
		req     string // without the final CRLF: the test adds Accept and Accept-Language
		body    string // sent after the head
		noLog   bool   // refused before routing: nothing at INFO
		fresh   bool   // a new ferry for each request (one failed logon each)
		// statusVerdict is the parent's last_verdict on /status.json afterwards,
		// where the status page records the case.
		statusVerdict string
	}{
		{verdict: "parent_refused", status: 502, config: basic(dead, "alice", pw), req: get(o.URL + "/echo"), statusVerdict: "parent_refused"},
		{verdict: "parent_timeout", status: 504, config: basic(silent, "alice", pw) + "[timeouts]\nresponse_header = \"1s\"\n", req: get(o.URL + "/echo")},
		{verdict: "parent_not_proxy", status: 502, config: basic(ssh, "alice", pw), req: get(o.URL + "/echo")},
		{verdict: "parent_error", status: 502, config: basic(hangUp, "alice", pw), req: get(o.URL + "/echo")},
		{verdict: "credentials_missing", status: 502, config: fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n", sq.Addr), req: get(o.URL + "/echo")},
		{verdict: "credentials_rejected", status: 502, config: basic(sq.Addr, "alice", "wrong"), req: get(o.URL + "/echo"), fresh: true, statusVerdict: "credentials_rejected"},
		{verdict: "locked_out", status: 502, config: basic(sq.Addr, "alice", "wrong"), before: get(o.URL+"/echo") + "\r\n", req: get(o.URL + "/echo"), statusVerdict: "credentials_rejected"},
		{verdict: "auth_scheme_unsupported", status: 502, config: ferryConfig([]string{sq.Addr}, ferryAuth{Scheme: "ntlm", User: "alice", Domain: "CORP", Password: pw}), req: get(o.URL + "/echo")},
		{verdict: "", status: 403, config: basic(sq.Addr, "alice", pw), req: get("http://blocked.example/")},
		{verdict: "origin_unreachable", words: "origin_direct", status: 502, config: strings.Replace(basic(sq.Addr, "alice", pw), "no_proxy = []", "no_proxy = [\"127.0.0.1\"]", 1), req: get("http://" + dead + "/")},
		{verdict: "pac_failed", status: 502, config: fmt.Sprintf("listen = [\"127.0.0.1:0\"]\npac = %q\n", pacFile), req: get(o.URL + "/echo")},
		{verdict: "bad_request", status: 400, config: basic(sq.Addr, "alice", pw), req: "GET ftp://" + host + "/ HTTP/1.1\r\nHost: " + host + "\r\n", noLog: true},
		{verdict: "app_request_broken", status: 400, config: basic(sq.Addr, "alice", pw),
			req: "POST " + o.URL + "/echo HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n", body: "3\r\nabc\r\nzz-not-a-size\r\n\r\n"},
	}
	for _, c := range cases {
		name := orDash(c.verdict) + "/" + strconv.Itoa(c.status)
		t.Run(name, func(t *testing.T) {
			f := testenv.StartFerry(t, c.config, "FERRY_PASSWORD=")
			if c.before != "" {
				rawExchange(t, f.Addr, c.before+"\r\n", false)
			}
			for _, lang := range []string{"en", "ja"} {
				for _, accept := range []string{"*/*", "text/html"} {
					if c.fresh {
						f.Stop()
						f = testenv.StartFerry(t, c.config, "FERRY_PASSWORD=")
					}
					req := c.req + "Accept: " + accept + "\r\nAccept-Language: " + lang + "\r\nConnection: close\r\n\r\n" + c.body
					resp, body, _ := rawExchange(t, f.Addr, req, false)
					ps := resp.Header.Get("Proxy-Status")
					v, _ := relay.VerdictFromProxyStatus(ps)
					if resp.StatusCode != c.status || v != c.verdict {
						t.Fatalf("%s %s: got %d %q (%s), want %d %q\n%s", lang, accept, resp.StatusCode, v, ps, c.status, c.verdict, body)
					}
					if c.verdict == "" {
						continue // the parent's own page
					}
					title := msg.Title(lang, orDefault(c.words, c.verdict))
					if accept == "text/html" {
						title = html.EscapeString(title)
					}
					if !strings.Contains(string(body), title) || resp.Header.Get("Content-Language") != lang {
						t.Fatalf("%s %s: the page lacks its title %q:\n%s", lang, accept, title, body)
					}
				}
			}
			if c.statusVerdict != "" {
				rep, err := http.Get("http://" + f.Addr + "/status.json")
				if err != nil {
					t.Fatal(err)
				}
				var st relay.StatusReport
				err = json.NewDecoder(rep.Body).Decode(&st)
				rep.Body.Close()
				if err != nil || len(st.Parents) != 1 || st.Parents[0].LastVerdict != c.statusVerdict {
					t.Fatalf("/status.json: %v %+v, want the parent's last verdict %s", err, st.Parents, c.statusVerdict)
				}
			}
			if c.verdict == "" || c.noLog {
				return
			}

			// ferry's log reaches the test through a pipe: wait for it.
			said := regexp.MustCompile(`level=(INFO|WARN) msg="request failed".*cause=`)
			for deadline := time.Now().Add(5 * time.Second); !said.MatchString(f.Stderr()) && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
			}
			if log := f.Stderr(); !said.MatchString(log) {
				t.Fatalf("no line at the default level says why:\n%s", log)
			}
		})
	}
}

func orDash(s string) string { return orDefault(s, "-") }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
