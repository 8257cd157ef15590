package e2e

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	ccache := filepath.Join(t.TempDir(), "krb5cc")
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
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+filepath.Join(t.TempDir(), "none"), "FERRY_PASSWORD=Alice-pw 1")
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
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+filepath.Join(t.TempDir(), "none"), "FERRY_PASSWORD="+pw)
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
	ccache := filepath.Join(t.TempDir(), "krb5cc")
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
