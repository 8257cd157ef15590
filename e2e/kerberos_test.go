package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// kerberosUsers lists the users squid's Negotiate helper accepted, from
// the access log, in order.
func kerberosUsers(sq *testenv.Squid) []string {
	var out []string
	for _, e := range sq.AccessLog() {
		if e.Status == 200 && e.User != "-" {
			out = append(out, e.User)
		}
	}
	return out
}

// TestKerberosTicketCacheReplacedWhileRunning: a kinit as another user
// after ferry started is picked up for new parent connections, without a
// restart.
func TestKerberosTicketCacheReplacedWhileRunning(t *testing.T) {
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDC(t)
	kdc.AddUser(t, "alice", "Alice-pw 1")
	kdc.AddUser(t, "bob", "Bob-pw 2")
	ccache := filepath.Join(testenv.TempDir(t), "krb5cc")
	kdc.Kinit(t, "alice", "Alice-pw 1", ccache)
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc})
	cfg := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nscheme = \"negotiate\"\n[timeouts]\npool_idle = \"500ms\"\n", sq.Addr)
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+ccache)
	c := proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)

	if err := os.Remove(ccache); err != nil {
		t.Fatal(err)
	}
	kdc.Kinit(t, "bob", "Bob-pw 2", ccache)
	time.Sleep(time.Second) // past pool_idle: the next request opens a new parent connection
	c.CloseIdleConnections()
	getEcho(t, c, o.URL+"/echo", nil)
	users := kerberosUsers(sq)
	if len(users) < 2 || !strings.HasPrefix(users[0], "alice@") || !strings.HasPrefix(users[len(users)-1], "bob@") {
		t.Fatalf("squid saw users %v, want alice then bob", users)
	}
}

// TestKerberosPasswordLogonOutlivesTicketLifetime: with a password, ferry
// gets its own tickets and keeps working after the first ones expired
// (the test KDC issues 20-second tickets).
func TestKerberosPasswordLogonOutlivesTicketLifetime(t *testing.T) {
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDCWith(t, testenv.KDCOptions{MaxLife: 20 * time.Second, MaxRenewableLife: 40 * time.Second})
	const pw = "Kerb-renew 1"
	kdc.AddUser(t, "alice", pw)
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc})
	cfg := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nscheme = \"negotiate\"\nuser = \"alice\"\nrealm = %q\n[timeouts]\npool_idle = \"500ms\"\n", sq.Addr, kdc.Realm)
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+filepath.Join(testenv.TempDir(t), "none"), "FERRY_PASSWORD="+pw)
	c := proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)
	time.Sleep(25 * time.Second) // the first TGT and service ticket have expired
	c.CloseIdleConnections()
	getEcho(t, c, o.URL+"/echo", nil)
	if users := kerberosUsers(sq); len(users) < 2 {
		t.Fatalf("squid accepted %d Kerberos requests, want 2: %v", len(users), users)
	}
	f.AssertLogHasNo(t, pw)
}

// TestKerberosTicketRefusedFallsBackToNTLM: a parent whose keytab is stale
// cannot verify any ticket. When it offers NTLM too, ferry goes on with
// NTLM, as browsers do, and the refusal does not rest the credentials (it
// is no failed logon on the account).
func TestKerberosTicketRefusedFallsBackToNTLM(t *testing.T) {
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDC(t)
	kdc.AddUser(t, "alice", "Alice-pw 1")
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc, NTLMToo: true})
	// New keys for the proxy's principals: the keytab squid reads is stale.
	kdc.Kadmin(t, "cpw -randkey HTTP/127.0.0.1")
	kdc.Kadmin(t, "cpw -randkey HTTP/localhost")
	cfg := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nuser = \"alice@%s\"\n", sq.Addr, kdc.Realm)
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+filepath.Join(testenv.TempDir(t), "none"), "FERRY_PASSWORD=Alice-pw 1")
	c := proxyClient(t, o, f)
	for range 3 {
		getEcho(t, c, o.URL+"/echo", nil)
		c.CloseIdleConnections()
	}
	var ntlmUser bool
	for _, e := range sq.AccessLog() {
		if e.Status == 200 && strings.HasSuffix(strings.ToLower(e.User), `\alice`) { // NTLM logs DOMAIN\user
			ntlmUser = true
		}
		if e.Status == 200 && strings.Contains(e.User, "@") {
			t.Fatalf("squid accepted a ticket (%s): the keytab was meant to be stale", e.User)
		}
	}
	if !ntlmUser {
		t.Fatalf("no request got through as alice with NTLM; access log:\n%s", strings.Join(sq.AccessLogLines(), "\n"))
	}
	log := f.Stderr()
	if !strings.Contains(log, "refused ferry's Kerberos ticket; using NTLM instead") {
		t.Errorf("no warning about the refused ticket in the log:\n%s", log)
	}
	if strings.Contains(log, "rejected ferry's credentials") {
		t.Errorf("the refused ticket rested the credentials:\n%s", log)
	}
}
