package e2e

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/testenv"
	ferryparent "github.com/ferryproxy/ferry/relay/parent"
)

// TestLibraryClient: a Go program uses package parent against a real squid
// of each kind: http:// through RoundTrip (a GET twice on one pooled
// connection, an upload of unknown length, larger than what is kept for a
// resend), and https:// through DialContext's CONNECT tunnel in an
// http.Transport. No proxy header reaches the site.
func TestLibraryClient(t *testing.T) {
	o := testenv.StartOrigin(t)
	for _, k := range parentKinds() {
		if k.name == "ntlm-verified" || k.name == "negotiate-ccache" {
			continue // the same client as ntlm and negotiate-password; Samba is slow
		}
		t.Run(k.name, func(t *testing.T) {
			p := k.start(t, o, testenv.SquidOptions{})
			cfg := auth.Config{Scheme: p.Auth.Scheme, User: p.Auth.User, Domain: p.Auth.Domain, Password: p.Auth.Password, Realm: p.Auth.Realm}
			for _, kv := range p.Env {
				if v, ok := strings.CutPrefix(kv, "KRB5_CONFIG="); ok {
					cfg.Krb5Conf = v
				}
				if v, ok := strings.CutPrefix(kv, "KRB5CCNAME="); ok {
					cfg.CCache = v
				}
			}
			a, err := auth.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			u := ferryparent.New(ferryparent.Config{Addr: p.Squid.Addr, Auth: a})
			t.Cleanup(u.Retire)

			c := &http.Client{Transport: u}
			for range 2 {
				checkOriginHeaders(t, getEcho(t, c, o.URL+"/echo", nil))
			}
			if st := u.Stats(); st.Dials != 1 || st.Idle != 1 || !st.AuthOK {
				t.Errorf("after two GETs: %d dials, %d idle, auth ok %v; want one pooled connection, logged on", st.Dials, st.Idle, st.AuthOK)
			}
			upload(t, c, o.URL, 3*ferryparent.ReplayLimit, true)

			tr := &http.Transport{DialContext: u.DialContext, TLSClientConfig: &tls.Config{RootCAs: o.CertPool}}
			t.Cleanup(tr.CloseIdleConnections)
			checkOriginHeaders(t, getEcho(t, &http.Client{Transport: tr}, o.TLSURL+"/echo", nil))
			// squid logs a tunnel when it ends.
			tr.CloseIdleConnections()
			for deadline := time.Now().Add(5 * time.Second); squidRequests(p.Squid, http.MethodConnect, http.StatusOK) == 0; time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("squid logged no CONNECT answered 200 within 5 s: the https request did not go through the tunnel")
				}
			}
		})
	}
}
