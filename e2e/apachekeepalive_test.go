package e2e

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestApacheClosingKeepAlive: Apache ends a keep-alive connection after
// MaxKeepAliveRequests answers (Connection: close on the last) and after
// KeepAliveTimeout of idleness, closing it while it may lie in ferry's
// pool. Every request still gets its answer, each upload arrives whole
// (README "How it works": a body up to 64 KiB is sent again after a pooled
// connection the parent closed; a larger one never goes on a connection
// that may be closing), and no logon fails, for Basic, Digest and
// connection-bound Kerberos (a new logon on each new connection).
func TestApacheClosingKeepAlive(t *testing.T) {
	opts := testenv.ApacheOptions{MaxKeepAliveRequests: 3, KeepAliveTimeout: time.Second}
	kinds := []otherKind{
		{name: "apache-basic", start: func(t *testing.T, o *testenv.Origin) otherParent {
			const pw = "Apache-basic 1!"
			opts := opts
			opts.Auth, opts.Users, opts.ConnectPorts = testenv.ApacheAuthBasic, map[string]string{"alice": pw}, []int{o.TLSPort}
			a := testenv.StartApache(t, opts)
			return otherParent{Addr: a.Addr, apache: a, Auth: ferryAuth{User: "alice", Password: pw},
				Secrets: []string{pw, base64.StdEncoding.EncodeToString([]byte("alice:" + pw))}}
		}},
		{name: "apache-digest", start: func(t *testing.T, o *testenv.Origin) otherParent {
			opts := opts
			opts.NcCheck = true
			return startApacheDigest(t, o, opts)
		}},
		{name: "apache-gssapi-bound", start: func(t *testing.T, o *testenv.Origin) otherParent {
			const pw = "Apache-kerb 3!"
			kdc := testenv.StartKDC(t)
			kdc.AddUser(t, "alice", pw)
			ccache := filepath.Join(testenv.TempDir(t), "krb5cc_alice")
			kdc.Kinit(t, "alice", pw, ccache)
			opts := opts
			opts.Auth, opts.KDC, opts.ConnectionBound, opts.ConnectPorts = testenv.ApacheAuthGSSAPI, kdc, true, []int{o.TLSPort}
			a := testenv.StartApache(t, opts)
			return otherParent{Addr: a.Addr, apache: a,
				Auth:    ferryAuth{Scheme: "negotiate", User: "alice", Realm: kdc.Realm},
				Env:     []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + ccache},
				Secrets: []string{pw}}
		}},
	}
	for _, kind := range kinds {
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o)
			f := testenv.StartFerry(t, ferryConfig([]string{p.Addr}, p.Auth), p.Env...)
			c := proxyClient(t, o, f)
			for range 10 {
				getEcho(t, c, o.URL+"/echo", nil)
			}
			for i := range 6 {
				upload(t, c, o.URL, 1<<20, i%2 == 1) // past the replay buffer
				upload(t, c, o.URL, 16<<10, false)   // kept for a resend
			}
			// Idle past KeepAliveTimeout: Apache closes the pooled
			// connections, at its own moment.
			for i := range 3 {
				time.Sleep(1100 * time.Millisecond)
				switch i {
				case 0:
					upload(t, c, o.URL, 1<<20, true)
				case 1:
					upload(t, c, o.URL, 16<<10, false)
				case 2:
					getEcho(t, c, o.TLSURL+"/echo", nil)
				}
				getEcho(t, c, o.URL+"/echo", nil)
			}
			if n := p.failedLogons(); n != 0 {
				t.Errorf("Apache logged %d failed logons:\n%s", n, p.log())
			}
			if strings.Contains(f.Stderr(), "request failed") {
				t.Errorf("ferry failed a request:\n%s", f.Stderr())
			}
			// The limit was met: Apache answered at most 4 requests on each
			// of ferry's connections (the first and 3 kept alive).
			perConn := map[int]int{}
			for _, e := range p.apache.AccessLog() {
				perConn[e.ClientPort]++
			}
			most := 0
			for _, n := range perConn {
				most = max(most, n)
			}
			if most > opts.MaxKeepAliveRequests+1 || len(perConn) < 8 {
				t.Errorf("Apache answered up to %d requests on each of %d connections: the keep-alive limit of 3 was not exercised", most, len(perConn))
			}
			t.Logf("%d connections to Apache, up to %d requests each", len(perConn), most)
			f.AssertLogHasNo(t, p.Secrets...)
		})
	}
}
