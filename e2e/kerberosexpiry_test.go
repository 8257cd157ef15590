package e2e

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestKerberosTicketExpiresMidPool: the user's ticket (from kinit, no
// password for ferry) runs out while ferry holds logged-on connections to
// squid. Those still carry requests: Negotiate holds per connection, as
// squid keeps it. A request that needs a new connection gets the 502
// kerberos_no_ticket that says to run kinit, never credentials_rejected:
// an expired ticket is no failed logon, so nothing rests, and after a new
// kinit the next request goes through at once (README "Kerberos", "Desktop
// notification").
func TestKerberosTicketExpiresMidPool(t *testing.T) {
	const life = 15 * time.Second
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDCWith(t, testenv.KDCOptions{MaxLife: life, MaxRenewableLife: life})
	const pw = "Kerb-expire 1"
	kdc.AddUser(t, "alice", pw)
	ccache := filepath.Join(testenv.TempDir(t), "krb5cc_alice")
	kdc.Kinit(t, "alice", pw, ccache)
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc})
	cfg := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nscheme = \"negotiate\"\nuser = \"alice\"\nrealm = %q\n[limits]\nspare_connections = 0\n", sq.Addr, kdc.Realm)
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+ccache, "XDG_STATE_HOME="+testenv.TempDir(t))
	c := proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)
	logons := len(kerberosUsers(sq))

	time.Sleep(life + 3*time.Second) // the ticket and the service ticket have expired
	// The pooled connection still carries requests, with no new logon.
	getEcho(t, c, o.URL+"/echo", nil)

	// A download holds that connection (read 1 MB, then the rest later):
	// the next request needs a new connection, and a ticket.
	resp, err := c.Get(o.URL + "/bytes?n=" + fmt.Sprint(32<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.CopyN(io.Discard, resp.Body, 1<<20); err != nil {
		t.Fatal(err)
	}
	other := o.Client(f.ProxyURL)
	defer other.CloseIdleConnections()
	status, verdict, body := fetchVerdict(t, other, o.URL+"/echo", nil)
	if status != http.StatusBadGateway || verdict != "kerberos_no_ticket" || !strings.Contains(body, "kinit") {
		t.Errorf("a new connection with the ticket expired: %d %q, want 502 kerberos_no_ticket saying to run kinit:\n%s", status, verdict, body)
	}
	if n, err := io.Copy(io.Discard, resp.Body); err != nil || n != 31<<20 {
		t.Errorf("the download on the logged-on connection: %d bytes, %v", n, err)
	}
	if strings.Contains(f.Stderr(), "rejected ferry's credentials") || strings.Contains(fetchSelf(t, f, "/status.json"), `"resting":[{`) {
		t.Errorf("an expired ticket rested the credentials:\n%s", f.Stderr())
	}

	kdc.Kinit(t, "alice", pw, ccache)
	getEcho(t, other, o.URL+"/echo", nil)
	if got := len(kerberosUsers(sq)); got < logons+1 {
		t.Errorf("squid saw %d Kerberos logons after the new kinit, want at least %d", got, logons+1)
	}
	f.AssertLogHasNo(t, pw)
}

// TestKerberosKeytabLogonOutlivesTicketLifetime: with a keytab for the
// user (auth.keytab), ferry gets its own tickets and gets new ones when
// they run out (README "Kerberos"), while pooled connections logged on
// with the old ones go on: the request after the lifetime, on a new
// connection, goes through.
func TestKerberosKeytabLogonOutlivesTicketLifetime(t *testing.T) {
	const life = 15 * time.Second
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDCWith(t, testenv.KDCOptions{MaxLife: life, MaxRenewableLife: life})
	kdc.AddUser(t, "alice", "Kerb-keytab 1")
	keytab := filepath.Join(testenv.TempDir(t), "alice.keytab")
	kdc.ExportKeytab(t, keytab, "alice")
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc})
	cfg := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nscheme = \"negotiate\"\nuser = \"alice\"\nrealm = %q\nkeytab = %q\n", sq.Addr, kdc.Realm, keytab)
	f := testenv.StartFerry(t, cfg, "KRB5_CONFIG="+kdc.Krb5Conf, "KRB5CCNAME=FILE:"+filepath.Join(testenv.TempDir(t), "none"))
	c := proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)
	time.Sleep(life + 3*time.Second)  // the first tickets have expired
	getEcho(t, c, o.URL+"/echo", nil) // on the pooled connection
	fresh := o.Client(f.ProxyURL)
	defer fresh.CloseIdleConnections()
	resp, err := c.Get(o.URL + "/bytes?n=" + fmt.Sprint(32<<20)) // holds the pooled one
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.CopyN(io.Discard, resp.Body, 1<<20); err != nil {
		t.Fatal(err)
	}
	getEcho(t, fresh, o.URL+"/echo", nil) // a new connection, a new ticket
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatalf("the download on the older connection: %v", err)
	}
	f.AssertLogHasNo(t, "Kerb-keytab 1")
}
