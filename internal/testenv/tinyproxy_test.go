package testenv

import "testing"

// TestTinyproxyAnswersWrongCredentialsWith401: the behaviour ferry's tests
// rely on: 407 without credentials, 401 for wrong ones, 200 for right ones.
func TestTinyproxyAnswersWrongCredentialsWith401(t *testing.T) {
	o := StartOrigin(t)
	tp := StartTinyproxy(t, "alice", "Tiny-pw1", o.TLSPort)
	proxy := "http://" + tp.Addr
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "407"},
		{[]string{"-U", "alice:wrong"}, "401"},
		{[]string{"-U", "alice:Tiny-pw1"}, "200"},
	} {
		args := append(append([]string{"-x", proxy}, tc.args...), o.URL+"/echo")
		if got := curlThrough(t, nil, args...); got != tc.want {
			t.Errorf("curl %v: status %s, want %s", tc.args, got, tc.want)
		}
	}
	if got := curlThrough(t, nil, "-x", proxy, "-U", "alice:Tiny-pw1", "--cacert", o.CAFile, o.TLSURL+"/echo"); got != "200" {
		t.Errorf("CONNECT: status %s, want 200", got)
	}
	if n := tp.Requests("GET"); n != 3 {
		t.Errorf("tinyproxy logged %d GETs, want 3:\n%s", n, tp.Log())
	}
}
