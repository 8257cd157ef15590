package testenv

import (
	"path/filepath"
	"strconv"
	"testing"
)

// TestApacheProxiesWithEachScheme: the test Apache is a forward proxy that
// answers 407 without credentials and forwards and tunnels with them, for
// each scheme, as curl sees it.
func TestApacheProxiesWithEachScheme(t *testing.T) {
	const pw = "Apache-pw 1!"
	for _, tc := range []struct {
		auth ApacheAuth
		flag string
	}{
		{ApacheAuthBasic, "--proxy-basic"},
		{ApacheAuthDigest, "--proxy-digest"},
		{ApacheAuthGSSAPI, "--proxy-negotiate"},
	} {
		t.Run(string(tc.auth), func(t *testing.T) {
			o := StartOrigin(t)
			opts := ApacheOptions{Auth: tc.auth, Users: map[string]string{"alice": pw}, ConnectPorts: []int{o.TLSPort}}
			user := "alice:" + pw
			var env []string
			if tc.auth == ApacheAuthGSSAPI {
				kdc := StartKDC(t)
				kdc.AddUser(t, "alice", pw)
				ccache := filepath.Join(t.TempDir(), "cc")
				kdc.Kinit(t, "alice", pw, ccache)
				opts.KDC, user = kdc, ":"
				env = []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + ccache}
			}
			a := StartApache(t, opts)
			proxy := "http://localhost:" + strconv.Itoa(a.Port)
			if got := curlThrough(t, env, "-x", proxy, o.URL+"/echo"); got != "407" {
				t.Errorf("GET without credentials: status %s, want 407", got)
			}
			if got := curlThrough(t, env, "-x", proxy, tc.flag, "-U", user, o.URL+"/echo"); got != "200" {
				t.Errorf("GET with credentials: status %s, want 200", got)
			}
			if got := curlThrough(t, env, "-x", proxy, tc.flag, "-U", user, "--cacert", o.CAFile, o.TLSURL+"/echo"); got != "200" {
				t.Errorf("CONNECT with credentials: status %s, want 200", got)
			}
			if n := len(a.AccessLog()); n < 3 {
				t.Errorf("access log has %d entries, want 3 or more", n)
			}
		})
	}
}
