package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestKerberosCCacheLocation(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "KRB5CCNAME" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name, configured, krb5ccname string
		uid                          int
		file, dir                    string
		unreadable                   bool
	}{
		{name: "default per uid", uid: 1000, file: "/tmp/krb5cc_1000"},
		{name: "KRB5CCNAME FILE:", krb5ccname: "FILE:/run/user/1000/cc", uid: 1000, file: "/run/user/1000/cc"},
		{name: "KRB5CCNAME bare path", krb5ccname: "/tmp/cc", uid: 1000, file: "/tmp/cc"},
		{name: "config wins over env", configured: "FILE:/a", krb5ccname: "FILE:/b", file: "/a"},
		{name: "DIR collection", krb5ccname: "DIR:/run/cc", dir: "/run/cc"},
		{name: "DIR single cache", krb5ccname: "DIR::/run/cc/tktABC", file: "/run/cc/tktABC"},
		{name: "KCM unreadable", krb5ccname: "KCM:", unreadable: true},
		{name: "KEYRING unreadable", krb5ccname: "KEYRING:persistent:1000", unreadable: true},
		{name: "windows has no default", uid: -1, unreadable: true},
		{name: "windows drive path", configured: `C:\Users\amy\krb5cc`, file: `C:\Users\amy\krb5cc`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := resolveCCache(tt.configured, env(tt.krb5ccname), tt.uid)
			if l.file != tt.file || l.dir != tt.dir || (l.note != "") != tt.unreadable {
				t.Errorf("got %+v, want file %q dir %q unreadable %v", l, tt.file, tt.dir, tt.unreadable)
			}
		})
	}
}

func TestKerberosCCacheDIRFollowsPrimary(t *testing.T) {
	dir := testenv.TempDir(t)
	l := resolveCCache("DIR:"+dir, nil, 0)
	if got := l.path(); got != filepath.Join(dir, "tkt") {
		t.Errorf("without primary: %q", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "primary"), []byte("tktXYZ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := l.path(); got != filepath.Join(dir, "tktXYZ") {
		t.Errorf("with primary: %q", got)
	}
}

func TestKerberosUnreadableCCacheSaysWhy(t *testing.T) {
	src := &krb5Source{cc: resolveCCache("KCM:", nil, 0)}
	_, err := src.token("HTTP/proxy")
	if err == nil || !strings.Contains(err.Error(), "FILE:") {
		t.Errorf("err = %v, want advice to use a FILE: cache", err)
	}
}
