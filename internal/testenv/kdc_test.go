package testenv

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestKDCIssuesTicketsForUsersAndHTTPServices(t *testing.T) {
	k := StartKDC(t)
	if k.Realm != DefaultRealm {
		t.Errorf("Realm = %q, want %q", k.Realm, DefaultRealm)
	}
	k.AddUser(t, "alice", "Secret-1")
	cc := filepath.Join(TempDir(t), "cc")
	k.Kinit(t, "alice", "Secret-1", cc)

	// kvno gets a service ticket through the KDC, proving the HTTP principals
	// exist and the ticket cache works.
	Require(t, "kvno", "kvno", "klist")
	for _, spn := range []string{"HTTP/localhost", "HTTP/127.0.0.1"} {
		out := k.command(t, "kvno", "-c", "FILE:"+cc, spn)
		if !strings.Contains(out, spn+"@"+k.Realm) {
			t.Errorf("kvno %s: %s", spn, out)
		}
	}
	// The keytab holds keys for both service principals.
	out := k.command(t, "klist", "-k", k.Keytab)
	for _, spn := range []string{"HTTP/localhost@", "HTTP/127.0.0.1@"} {
		if !strings.Contains(out, spn+k.Realm) {
			t.Errorf("keytab lacks %s%s:\n%s", spn, k.Realm, out)
		}
	}
	fi, err := os.Stat(k.Keytab)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o040 == 0 && fi.Mode().Perm()&0o004 == 0 {
		t.Errorf("keytab mode %v: user proxy cannot read it", fi.Mode())
	}
}

func TestKDCListensOnLoopbackOnly(t *testing.T) {
	k := StartKDC(t)
	conf, err := os.ReadFile(k.KDCConf)
	if err != nil {
		t.Fatal(err)
	}
	want := "kdc_tcp_listen = 127.0.0.1:" + strconv.Itoa(k.Port)
	if !strings.Contains(string(conf), want) {
		t.Errorf("kdc.conf lacks %q", want)
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(k.Port)), time.Second)
	if err != nil {
		t.Fatalf("kdc not listening on 127.0.0.1:%d: %v", k.Port, err)
	}
	c.Close()
	for _, kv := range []string{"KRB5_CONFIG=" + k.Krb5Conf, "KRB5_KTNAME=" + k.Keytab, "KRB5_KDC_PROFILE=" + k.KDCConf} {
		if !contains(k.Env, kv) {
			t.Errorf("Env lacks %s", kv)
		}
	}
}

func TestKDCWrongPasswordFailsKinit(t *testing.T) {
	k := StartKDC(t)
	k.AddUser(t, "bob", "Right-1")
	cmd := exec.Command("kinit", "-c", "FILE:"+filepath.Join(TempDir(t), "cc"), "bob")
	cmd.Env = k.environ()
	cmd.Stdin = strings.NewReader("Wrong-1\n")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("kinit with a wrong password succeeded: %s", out)
	}
	if !strings.Contains(string(out), "incorrect") {
		t.Errorf("kinit output = %q, want a password-incorrect message", out)
	}
}

func TestKDCShortTicketLifetime(t *testing.T) {
	k := StartKDCWith(t, KDCOptions{MaxLife: 90 * time.Second})
	k.AddUser(t, "carol", "Secret-3")
	cc := filepath.Join(TempDir(t), "cc")
	k.Kinit(t, "carol", "Secret-3", cc)
	Require(t, "klist", "klist")
	out := k.command(t, "klist", "-c", "FILE:"+cc)
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || !strings.HasPrefix(f[4], "krbtgt/"+k.Realm) {
			continue
		}
		start, err1 := time.Parse("01/02/06 15:04:05", f[0]+" "+f[1])
		end, err2 := time.Parse("01/02/06 15:04:05", f[2]+" "+f[3])
		if err1 != nil || err2 != nil {
			t.Fatalf("cannot read klist times in %q", line)
		}
		if life := end.Sub(start); life > 90*time.Second || life < 80*time.Second {
			t.Errorf("TGT lifetime = %v, want 90s (MaxLife)", life)
		}
		return
	}
	t.Fatalf("no TGT in cache:\n%s", out)
}

func TestKDCStopsAtCleanup(t *testing.T) {
	var port int
	t.Run("start", func(t *testing.T) {
		port = StartKDC(t).Port
	})
	if port == 0 {
		t.Skip("kdc did not start")
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err == nil {
		c.Close()
		t.Errorf("kdc still listens on port %d after its test ended", port)
	}
}

func (k *KDC) command(t *testing.T, name string, args ...string) string {
	t.Helper()
	bin, err := lookPath(name)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	// klist prints times in the locale's format; the tests parse the C one.
	cmd.Env = append(k.environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, out)
	}
	return string(out)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
