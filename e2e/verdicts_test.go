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
	"github.com/ferryproxy/ferry/relay/report"
)

// These tests produce verdicts for real, against squid and the MIT KDC, and
// check what the app is told: status, Proxy-Status verdict and page words.

// verdictOf sends a GET for url through ferry and returns the status, the
// verdict from Proxy-Status ("" for a success) and the body.
func verdictOf(t *testing.T, f *testenv.Ferry, url, lang string) (int, string, string) {
	t.Helper()
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nAccept-Language: %s\r\nConnection: close\r\n\r\n", url, strings.TrimPrefix(url, "http://"), lang)
	resp, body, _ := rawExchange(t, f.Addr, req, false)
	v := testenv.Verdict(resp.Header.Get("Proxy-Status"))
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
	checkStatusEntry(t, f, sq.Addr, report.ParentUp, "kerberos_no_ticket", "")
	res, status := runDoctor(t, cfg, []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + ccache}, o.URL+"/echo")
	wantVerdict(t, res, status, "kerberos_no_ticket")
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
	// Nothing reached the parent: untried, with the cause.
	checkStatusEntry(t, f, sq.Addr, report.ParentUntried, "kerberos_clock_skew", "")
	res, status := runDoctor(t, cfg, []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + filepath.Join(testenv.TempDir(t), "none"), "FERRY_PASSWORD=" + pw}, o.URL+"/echo")
	wantVerdict(t, res, status, "kerberos_clock_skew")
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
	checkStatusEntry(t, f, sq.Addr, report.ParentUntried, "kerberos_unknown_spn", "")
	res, status := runDoctor(t, cfg, []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + ccache}, o.URL+"/echo")
	wantVerdict(t, res, status, "kerberos_unknown_spn")
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

// TestEveryVerdictForReal produces each verdict an app can meet through a
// real ferry, with squid (or tinyproxy, or a second ferry) as the parent
// wherever a real one can produce the case, and a hand-written parent for
// the faults no real proxy makes on demand. For each case it checks what
// the app gets in English and Japanese, as text and as HTML (the status,
// Proxy-Status's verdict, the page's title in that language), the log line
// at the default level, the parent's entry on /status.json, and what
// `ferry doctor` says for the same config and the failing URL.
//
// Where doctor has no such verdict by design (docs/doctor.md), the table
// says what it answers instead:
//   - bad_request, app_request_broken: the app's request is at fault, not
//     the setup; doctor fetches the same URL as a well-formed request and
//     says ok.
//   - the site's own 403 is squid's page for the app, passed on as it is
//     (no verdict of ferry's); doctor calls it site_blocked.
//
// proxy_loop is doctor's verdict too when the loop runs through the parent
// it checks: its request comes back to the running ferry, which answers
// 508 Loop Detected, and the parent passes that on to doctor.
//
// On /status.json a parent that answered a request with a 407 ferry could
// not or would not answer is "up" with that last verdict (it was
// "untried", with nothing to say, before), and credentials the KDC refused
// rest with the verdict kerberos_password_rejected, not
// credentials_rejected. app_request_broken leaves the parent "up" with
// auth "unknown": its 407 came, the logon never did.
//
// The Kerberos verdicts kerberos_no_ticket, kerberos_clock_skew and
// kerberos_unknown_spn have tests of their own above (each needs a KDC set
// up its own way); kerberos_password_rejected is here.
func TestEveryVerdictForReal(t *testing.T) {
	o := testenv.StartOrigin(t)
	const pw = "Basic-pw 1!"
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthBasic, Users: map[string]string{"alice": pw},
		DenyDomains: []string{"blocked.example"}})
	host := strings.TrimPrefix(o.URL, "http://")
	// The origin by name: outside no_proxy = ["127.0.0.1"], through squid.
	byName := strings.Replace(o.URL, "127.0.0.1", "localhost", 1)
	get := func(url string) string {
		return "GET " + url + " HTTP/1.1\r\nHost: " + strings.TrimPrefix(url, "http://") + "\r\n"
	}
	basic := func(parent, user, password string) string {
		return ferryConfig([]string{parent}, ferryAuth{Scheme: "basic", User: user, Password: password})
	}
	// timeouts keeps a silent parent short for ferry and doctor alike:
	// ferry calls a fresh connection silent after timeouts.connect (its
	// probe at half of it got no answer either), before response_header.
	const timeouts = "[timeouts]\nconnect = \"1s\"\nresponse_header = \"3s\"\n"
	silent := testenv.ServeTCP(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	ssh := testenv.ServeTCP(t, func(c net.Conn) { _, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n") })
	hangUp := testenv.ServeTCP(t, func(c net.Conn) { _, _ = bufio.NewReader(c).ReadString('\n') })
	closes := testenv.ServeTCP(t, func(c net.Conn) {})
	pacFile := filepath.Join(testenv.TempDir(t), "throws.pac")
	if err := os.WriteFile(pacFile, []byte(`function FindProxyForURL(url, host) { return undefinedThing.proxy; }`), 0o644); err != nil {
		t.Fatal(err)
	}
	dead := deadAddr(t)
	site407 := siteAsking407(t)

	// A Kerberos parent whose KDC refuses the password.
	kerb := startNegotiatePasswordParent(t, o, testenv.SquidOptions{})
	kerbAuth := kerb.Auth
	kerbAuth.Password = "Wrong-kerb 7!"

	// tinyproxy refuses a wrong password with 401, not 407.
	tiny := startTinyproxy(t, o)

	// auth_downgrade: ferry remembers that the parent at sq.Addr offered
	// NTLM before (its state file, as a run against an NTLM proxy at that
	// address leaves it; TestBasicDowngradeRefused makes it by swapping
	// squids), and squid now offers only Basic.
	downgradeState := testenv.TempDir(t)
	if err := os.MkdirAll(filepath.Join(downgradeState, "ferry"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(downgradeState, "ferry", "lockout.json"),
		[]byte(fmt.Sprintf(`{"version":1,"offered_stronger_than_basic":[%q]}`, sq.Addr)), 0o600); err != nil {
		t.Fatal(err)
	}

	// proxy_loop: the ferry under test (at loopA) has another ferry as its
	// parent, whose parent is the ferry under test.
	loopA, loopB := testenv.FreeAddr(t), testenv.FreeAddr(t)
	testenv.StartFerry(t, loopConfig(loopB, loopA))

	type verdictCase struct {
		name    string // when the verdict alone does not tell cases apart
		verdict string // "" for an answer that is the parent's own
		words   string // the catalogue entry the page shows, when not the verdict's
		status  int
		config  string
		env     []string // for ferry and doctor
		before  string   // a request made first (the failed logon before locked_out)
		req     string   // without the final CRLF: the test adds Accept and Accept-Language
		body    string   // sent after the head
		noLog   bool     // refused before routing: nothing at INFO
		fresh   bool     // a new ferry for each request (one failed logon each)

		// On /status.json afterwards: the parent (none when "") is in
		// state, and cause is its down_cause when down, else its
		// last_verdict; state "up" with no cause also wants auth (by
		// default "ok") and no last error: the site's fault is not the
		// parent's.
		parent, state, cause string
		auth                 string // the parent's auth when up with no cause ("" = "ok")

		// doctor is `ferry doctor`'s verdict for config, env and url;
		// running: doctor is given the running ferry's address (it reads
		// the rest from /status.json).
		doctor  string
		url     string
		running bool
	}
	cases := []verdictCase{
		{verdict: "parent_refused", status: 502, config: basic(dead, "alice", pw), req: get(o.URL + "/echo"),
			parent: dead, state: report.ParentDown, cause: "parent_refused", doctor: "parent_refused"},
		{verdict: "parent_timeout", status: 504, config: basic(silent, "alice", pw) + timeouts, req: get(o.URL + "/echo"),
			parent: silent, state: report.ParentDown, cause: "parent_timeout", doctor: "parent_timeout"},
		{verdict: "parent_not_proxy", status: 502, config: basic(ssh, "alice", pw) + timeouts, req: get(o.URL + "/echo"),
			parent: ssh, state: report.ParentDown, cause: "parent_not_proxy", doctor: "parent_not_proxy"},
		{name: "hangs up", verdict: "parent_error", status: 502, config: basic(hangUp, "alice", pw) + timeouts, req: get(o.URL + "/echo"),
			parent: hangUp, state: report.ParentDown, cause: "parent_error", doctor: "parent_error"},
		{name: "closes", verdict: "parent_error", status: 502, config: basic(closes, "alice", pw) + timeouts, req: get(o.URL + "/echo"),
			parent: closes, state: report.ParentDown, cause: "parent_error", doctor: "parent_error"},
		{verdict: "credentials_missing", status: 502, config: fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n", sq.Addr), req: get(o.URL + "/echo"),
			parent: sq.Addr, state: report.ParentUp, cause: "credentials_missing", doctor: "credentials_missing"},
		{name: "squid", verdict: "credentials_rejected", status: 502, config: basic(sq.Addr, "alice", "wrong"), req: get(o.URL + "/echo"), fresh: true,
			parent: sq.Addr, state: report.ParentResting, cause: "credentials_rejected", doctor: "credentials_rejected"},
		{name: "tinyproxy 401", verdict: "credentials_rejected", status: 502, config: basic(tiny.Addr, "alice", "Wrong-pw 9!"), req: get(o.URL + "/echo"), fresh: true,
			parent: tiny.Addr, state: report.ParentResting, cause: "credentials_rejected", doctor: "credentials_rejected"},
		{verdict: "locked_out", status: 502, config: basic(sq.Addr, "alice", "wrong"), before: get(o.URL+"/echo") + "\r\n", req: get(o.URL + "/echo"),
			parent: sq.Addr, state: report.ParentResting, cause: "credentials_rejected", doctor: "locked_out", running: true},
		{verdict: "kerberos_password_rejected", status: 502, config: ferryConfig([]string{kerb.Squid.Addr}, kerbAuth), env: kerb.Env, req: get(o.URL + "/echo"), fresh: true,
			parent: kerb.Squid.Addr, state: report.ParentResting, cause: "kerberos_password_rejected", doctor: "kerberos_password_rejected"},
		{verdict: "auth_scheme_unsupported", status: 502, config: ferryConfig([]string{sq.Addr}, ferryAuth{Scheme: "ntlm", User: "alice", Domain: "CORP", Password: pw}), req: get(o.URL + "/echo"),
			parent: sq.Addr, state: report.ParentUp, cause: "auth_scheme_unsupported", doctor: "auth_scheme_unsupported"},
		{verdict: "auth_downgrade", status: 502, config: ferryConfig([]string{sq.Addr}, ferryAuth{User: "alice", Password: pw}), env: []string{"XDG_STATE_HOME=" + downgradeState}, req: get(o.URL + "/echo"),
			parent: sq.Addr, state: report.ParentUp, cause: "auth_downgrade", doctor: "auth_downgrade"},
		{verdict: "", status: 403, config: basic(sq.Addr, "alice", pw), req: get("http://blocked.example/"),
			parent: sq.Addr, state: report.ParentUp, doctor: "site_blocked"},
		{verdict: "site_proxy_auth", status: 502, config: basic(sq.Addr, "alice", pw), req: get(site407.URL + "/login"),
			parent: sq.Addr, state: report.ParentUp, doctor: "site_proxy_auth"},
		// The parent serves a request first; then a no_proxy site fails:
		// the page names the site, and the parent stays up. Doctor sends
		// the URL through the parent, which cannot reach it either.
		{verdict: "origin_unreachable", words: "origin_direct", status: 502, config: strings.Replace(basic(sq.Addr, "alice", pw), "no_proxy = []", "no_proxy = [\"127.0.0.1\"]", 1),
			before: get(byName + "/echo"), req: get("http://" + dead + "/"),
			parent: sq.Addr, state: report.ParentUp, doctor: "origin_unreachable"},
		{verdict: "proxy_loop", status: 508, config: loopConfig(loopA, loopB), req: get(o.URL + "/echo"),
			parent: loopB, state: report.ParentUp, doctor: "proxy_loop"},
		{verdict: "pac_failed", status: 502, config: fmt.Sprintf("listen = [\"127.0.0.1:0\"]\npac = %q\n", pacFile), req: get(o.URL + "/echo"),
			doctor: "pac_failed"},
		{verdict: "bad_request", status: 400, config: basic(sq.Addr, "alice", pw), req: "GET ftp://" + host + "/ HTTP/1.1\r\nHost: " + host + "\r\n", noLog: true,
			parent: sq.Addr, state: report.ParentUntried, doctor: "ok", url: o.URL + "/echo"},
		{verdict: "app_request_broken", status: 400, config: basic(sq.Addr, "alice", pw),
			req: "POST " + o.URL + "/echo HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n", body: "3\r\nabc\r\nzz-not-a-size\r\n\r\n",
			parent: sq.Addr, state: report.ParentUp, auth: "unknown", doctor: "ok", url: o.URL + "/echo"},
	}
	for _, c := range cases {
		name := orDash(c.verdict) + "/" + strconv.Itoa(c.status)
		if c.name != "" {
			name += "/" + c.name
		}
		t.Run(name, func(t *testing.T) {
			env := append([]string{"FERRY_PASSWORD="}, c.env...)
			f := testenv.StartFerry(t, c.config, env...)
			if c.before != "" {
				rawExchange(t, f.Addr, c.before+"Connection: close\r\n\r\n", false)
			}
			for _, lang := range []string{"en", "ja"} {
				for _, accept := range []string{"*/*", "text/html"} {
					if c.fresh {
						f.Stop()
						f = testenv.StartFerry(t, c.config, env...)
					}
					req := c.req + "Accept: " + accept + "\r\nAccept-Language: " + lang + "\r\nConnection: close\r\n\r\n" + c.body
					resp, body, _ := rawExchange(t, f.Addr, req, false)
					ps := resp.Header.Get("Proxy-Status")
					v := testenv.Verdict(ps)
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
			checkStatusEntry(t, f, c.parent, c.state, c.cause, orDefault(c.auth, "ok"))
			if c.verdict != "" && !c.noLog {
				// ferry's log reaches the test through a pipe: wait for it.
				said := regexp.MustCompile(`level=(INFO|WARN) msg="request failed".*cause=`)
				if c.verdict == "proxy_loop" {
					// The request that came back is the one answered 508;
					// the outer one gets the parent's answer, as it is.
					said = regexp.MustCompile(`level=WARN msg="proxy loop: `)
				}
				for deadline := time.Now().Add(5 * time.Second); !said.MatchString(f.Stderr()) && time.Now().Before(deadline); {
					time.Sleep(20 * time.Millisecond)
				}
				if log := f.Stderr(); !said.MatchString(log) {
					t.Fatalf("no line at the default level says why:\n%s", log)
				}
			}

			cfg := c.config
			if c.running {
				cfg = strings.Replace(cfg, "127.0.0.1:0", f.Addr, 1)
			}
			url := orDefault(c.url, requestURL(c.req))
			res, status := runDoctor(t, cfg, c.env, url)
			wantVerdict(t, res, status, c.doctor)
		})
	}
}

// requestURL is the target of a request head.
func requestURL(req string) string {
	f := strings.Fields(firstLine(req))
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

// checkStatusEntry fails t unless /status.json shows parent in state with
// cause (down_cause when down, else last_verdict), and, up with no cause,
// its auth wantAuth and no last error; parent "" wants no parent at all.
func checkStatusEntry(t *testing.T, f *testenv.Ferry, parent, state, cause, wantAuth string) {
	t.Helper()
	var st report.Status
	if err := json.Unmarshal([]byte(fetchSelf(t, f, "/status.json")), &st); err != nil {
		t.Fatal(err)
	}
	if parent == "" {
		if len(st.Parents) != 0 {
			t.Errorf("/status.json lists parents %+v, want none", st.Parents)
		}
		return
	}
	if len(st.Parents) != 1 || st.Parents[0].Addr != parent {
		t.Fatalf("/status.json parents %+v, want %s alone", st.Parents, parent)
	}
	p := st.Parents[0]
	got := p.LastVerdict
	if p.State == report.ParentDown {
		got = p.DownCause
	}
	if p.State != state || got != cause {
		t.Errorf("/status.json: parent %s is %s (cause %q, last error %q), want %s with cause %q", parent, p.State, got, p.LastError, state, orDash(cause))
	}
	if state == report.ParentUp && cause == "" && (p.Auth != wantAuth || p.LastError != "") {
		t.Errorf("/status.json: parent %s is up but shown with auth %q and last error %q, want auth %q and no error: the site's or the app's fault is not the parent's", parent, p.Auth, p.LastError, wantAuth)
	}
}

func orDash(s string) string { return orDefault(s, "-") }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
