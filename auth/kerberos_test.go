package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestKerberosExpiredTicketNeedsKinit(t *testing.T) {
	k := testenv.StartKDC(t)
	k.AddUser(t, "erin", "Erin-pw1")
	cc := filepath.Join(testenv.TempDir(t), "krb5cc")
	k.Kinit(t, "erin", "Erin-pw1", cc)
	src, err := newKrb5Source(Config{Krb5Conf: k.Krb5Conf, CCache: cc}, krb5Env{
		getenv: func(string) string { return "" },
		now:    func() time.Time { return time.Now().Add(30 * 24 * time.Hour) },
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.token("HTTP/localhost")
	if !errors.Is(err, ErrKerberosTicketExpired) || !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrKerberosTicketExpired wrapping ErrNoCredentials", err)
	}
	for _, want := range []string{"erin@" + k.Realm, "expired", "kinit"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestKerberosCredentialChoices(t *testing.T) {
	dir := testenv.TempDir(t)
	conf := filepath.Join(dir, "krb5.conf")
	writeFile(t, conf, "[libdefaults]\n default_realm = CONF.TEST\n")
	missing := filepath.Join(dir, "missing.conf")
	env := func(kv ...string) krb5Env {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return krb5Env{getenv: func(k string) string { return m[k] }, uid: 1000}
	}
	tests := []struct {
		name      string
		cfg       Config
		env       krb5Env
		wantErr   error // nil: must succeed
		anyErr    bool  // an error that is not ErrNoCredentials
		wantRealm string
	}{
		{name: "krb5.conf without any credentials still builds (kinit may come later)",
			cfg: Config{Krb5Conf: conf}, env: env(), wantRealm: "CONF.TEST"},
		{name: "KRB5_CONFIG list, first existing file wins",
			cfg: Config{}, env: env("KRB5_CONFIG", missing+string(os.PathListSeparator)+conf), wantRealm: "CONF.TEST"},
		{name: "no krb5.conf and no password: nothing to use",
			cfg: Config{User: "amy"}, env: env("KRB5_CONFIG", missing), wantErr: ErrNoCredentials},
		{name: "explicit krb5.conf that is missing is a configuration error",
			cfg: Config{Krb5Conf: missing}, env: env(), anyErr: true},
		{name: "no krb5.conf but a password and a realm: KDC found through DNS",
			cfg: Config{User: "amy@corp.example", Password: "x"}, env: env("KRB5_CONFIG", missing), wantRealm: "CORP.EXAMPLE"},
		{name: "no krb5.conf, a password, no realm",
			cfg: Config{User: "amy", Password: "x"}, env: env("KRB5_CONFIG", missing), anyErr: true},
		{name: "realm from the domain",
			cfg: Config{Krb5Conf: conf, User: "amy", Domain: "corp.example", Password: "x"}, env: env(), wantRealm: "CORP.EXAMPLE"},
		{name: "explicit realm wins",
			cfg: Config{Krb5Conf: conf, User: `CORP\amy`, Realm: "AD.CORP.EXAMPLE", Password: "x"}, env: env(), wantRealm: "AD.CORP.EXAMPLE"},
		{name: "keytab without user",
			cfg: Config{Krb5Conf: conf, Keytab: filepath.Join(dir, "kt")}, env: env(), anyErr: true},
		{name: "unreadable keytab",
			cfg: Config{Krb5Conf: conf, User: "amy", Keytab: filepath.Join(dir, "kt")}, env: env(), anyErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := newKrb5Source(tt.cfg, tt.env)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.anyErr:
				if err == nil || errors.Is(err, ErrNoCredentials) {
					t.Fatalf("err = %v, want a configuration error", err)
				}
			default:
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if src.realm != tt.wantRealm {
					t.Errorf("realm = %q, want %q", src.realm, tt.wantRealm)
				}
			}
			if err != nil && tt.cfg.Password != "" && strings.Contains(err.Error(), tt.cfg.Password) {
				t.Errorf("error %q contains the password", err)
			}
		})
	}
}
