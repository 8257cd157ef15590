package acl

import (
	"net"
	"testing"
)

func TestList(t *testing.T) {
	a, err := Parse([]string{"172.17.0.0/16", "192.168.5.7", "fd00::/8"}, []string{"172.17.0.66", "127.0.0.2"})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{
		"127.0.0.1:5000":        true, // loopback always
		"[::1]:5000":            true,
		"172.17.3.4:1":          true,
		"172.17.0.66:1":         false, // denied first
		"192.168.5.7:1":         true,
		"192.168.5.8:1":         false,
		"[fd00::5]:1":           true,
		"10.0.0.1:1":            false,
		"[::ffff:172.17.1.1]:9": true,
	}
	for addr, want := range cases {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Permits(tcp); got != want {
			t.Errorf("Permits(%s) = %v, want %v", addr, got, want)
		}
	}
	var none *List
	if none.Permits(&net.TCPAddr{IP: net.ParseIP("10.1.1.1")}) || !none.Permits(&net.TCPAddr{IP: net.ParseIP("127.0.0.1")}) {
		t.Fatal("a nil ACL must admit loopback only")
	}
	if _, err := Parse([]string{"172.17.0.0/33"}, nil); err == nil {
		t.Fatal("bad CIDR accepted")
	}
}
