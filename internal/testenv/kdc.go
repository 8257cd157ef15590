package testenv

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// KDC is a real MIT Kerberos KDC (krb5kdc) listening on 127.0.0.1, with its
// database, configuration and keytab under a test's temporary directory. It
// never reads or edits /etc/krb5.conf: every command it runs gets Env.
type KDC struct {
	Realm string // e.g. "FERRY.TEST"
	Dir   string
	// Krb5Conf is the krb5.conf for clients: no DNS canonicalisation, no
	// reverse DNS, no KDC lookup in DNS, localhost and 127.0.0.1 mapped to
	// Realm, kdc = 127.0.0.1:<port>.
	Krb5Conf string
	// Keytab holds the keys of HTTP/localhost@Realm and HTTP/127.0.0.1@Realm,
	// readable by user proxy (squid's helpers run as proxy).
	Keytab string
	// Env points Kerberos programs at this KDC: KRB5_CONFIG,
	// KRB5_KDC_PROFILE, KRB5RCACHEDIR and KRB5_KTNAME=Keytab.
	Env []string

	Port    int    // the KDC's UDP and TCP port on 127.0.0.1
	KDCConf string // kdc.conf (KRB5_KDC_PROFILE)
	LogFile string // krb5kdc's log

	clockAhead time.Duration
}

// KDCOptions tunes StartKDCWith. Zero values mean the defaults.
type KDCOptions struct {
	Realm string // default "FERRY.TEST"
	// MaxLife caps ticket lifetimes (kdc.conf max_life); default 10 hours.
	// A short one lets tests watch tickets expire. Whole seconds only.
	MaxLife time.Duration
	// MaxRenewableLife caps renewable lifetimes; default 7 days.
	MaxRenewableLife time.Duration
	// ClockAhead runs the KDC with its clock this far ahead (under
	// libfaketime, Debian's faketime), for clock-skew errors: Go programs
	// read the clock without libc, so faking ferry's clock would not work.
	ClockAhead time.Duration
}

// DefaultRealm is the realm StartKDC creates.
const DefaultRealm = "FERRY.TEST"

// StartKDC starts a KDC for realm FERRY.TEST and stops it when t ends. It
// skips t when the MIT KDC programs are missing (fails under CI=true).
func StartKDC(t testing.TB) *KDC {
	t.Helper()
	return StartKDCWith(t, KDCOptions{})
}

// StartKDCWith is StartKDC with options.
func StartKDCWith(t testing.TB, opt KDCOptions) *KDC {
	t.Helper()
	Require(t, "a real MIT KDC", "krb5kdc", "kdb5_util", "kadmin.local", "kinit")
	if opt.ClockAhead > 0 {
		Require(t, "libfaketime, for a KDC with a wrong clock", "faketime")
	}
	if opt.Realm == "" {
		opt.Realm = DefaultRealm
	}
	if opt.MaxLife <= 0 {
		opt.MaxLife = 10 * time.Hour
	}
	if opt.MaxRenewableLife <= 0 {
		opt.MaxRenewableLife = 7 * 24 * time.Hour
	}

	dir := TempDir(t)
	// squid's negotiate_kerberos_auth runs as user proxy and must reach the
	// keytab and the replay cache; t.TempDir's directories are 0700.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatalf("kdc: %v", err)
		}
	}
	k := &KDC{
		Realm:    opt.Realm,
		Dir:      dir,
		Krb5Conf: filepath.Join(dir, "krb5.conf"),
		KDCConf:  filepath.Join(dir, "kdc.conf"),
		Keytab:   filepath.Join(dir, "http.keytab"),
		LogFile:  filepath.Join(dir, "krb5kdc.log"),

		clockAhead: opt.ClockAhead,
	}
	rcache := filepath.Join(dir, "rcache")
	if err := os.Mkdir(rcache, 0o755); err != nil {
		t.Fatalf("kdc: %v", err)
	}
	// Sticky and world-writable like /var/tmp: the replay cache is written by
	// whichever user verifies tickets (root in Go tests, proxy under squid).
	if err := os.Chmod(rcache, 0o1777); err != nil {
		t.Fatalf("kdc: %v", err)
	}
	k.Env = []string{
		"KRB5_CONFIG=" + k.Krb5Conf,
		"KRB5_KDC_PROFILE=" + k.KDCConf,
		"KRB5RCACHEDIR=" + rcache,
		"KRB5_KTNAME=" + k.Keytab,
	}

	// A port found free can be taken before krb5kdc binds it; try again then.
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freeUDPAndTCPPort()
		if err != nil {
			t.Fatalf("kdc: find a free port on 127.0.0.1: %v", err)
		}
		k.Port = port
		if attempt == 0 {
			k.writeConfig(t, opt)
			k.createDatabase(t)
		} else {
			k.writeConfig(t, opt)
		}
		if lastErr = k.start(t); lastErr == nil {
			return k
		}
	}
	t.Fatalf("kdc: %v", lastErr)
	return nil
}

func (k *KDC) writeConfig(t testing.TB, opt KDCOptions) {
	t.Helper()
	krb5 := fmt.Sprintf(`[libdefaults]
	default_realm = %[1]s
	dns_canonicalize_hostname = false
	rdns = false
	dns_lookup_kdc = false
	dns_lookup_realm = false
	forwardable = true
	ticket_lifetime = %[3]ds
	renew_lifetime = %[4]ds

[realms]
	%[1]s = {
		kdc = 127.0.0.1:%[2]d
	}

[domain_realm]
	localhost = %[1]s
	127.0.0.1 = %[1]s
	.%[5]s = %[1]s
	%[5]s = %[1]s
`, k.Realm, k.Port, seconds(opt.MaxLife), seconds(opt.MaxRenewableLife), strings.ToLower(k.Realm))

	// default_principal_flags = +preauth makes the KDC behave like Active
	// Directory: a wrong password is refused with KDC_ERR_PREAUTH_FAILED.
	kdc := fmt.Sprintf(`[kdcdefaults]
	kdc_listen = 127.0.0.1:%[2]d
	kdc_tcp_listen = 127.0.0.1:%[2]d

[realms]
	%[1]s = {
		database_name = %[3]s
		key_stash_file = %[4]s
		acl_file = %[5]s
		max_life = %[6]ds
		max_renewable_life = %[7]ds
		default_principal_flags = +preauth
		master_key_type = aes256-cts-hmac-sha1-96
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
	}

[logging]
	kdc = FILE:%[8]s
`, k.Realm, k.Port, filepath.Join(k.Dir, "principal"), filepath.Join(k.Dir, "stash"),
		filepath.Join(k.Dir, "kadm5.acl"), seconds(opt.MaxLife), seconds(opt.MaxRenewableLife), k.LogFile)

	files := map[string]string{
		k.Krb5Conf:                        krb5,
		k.KDCConf:                         kdc,
		filepath.Join(k.Dir, "kadm5.acl"): "*/admin@" + k.Realm + " *\n",
	}
	for path, body := range files {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatalf("kdc: %v", err)
		}
	}
}

func seconds(d time.Duration) int64 {
	s := int64(d / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}

// createDatabase makes the principal database with a stash file, and the
// HTTP service principals with their keytab.
func (k *KDC) createDatabase(t testing.TB) {
	t.Helper()
	master := make([]byte, 16)
	if _, err := rand.Read(master); err != nil {
		t.Fatalf("kdc: %v", err)
	}
	k.run(t, nil, "kdb5_util", "create", "-s", "-r", k.Realm, "-P", hex.EncodeToString(master))
	for _, host := range []string{"localhost", "127.0.0.1"} {
		k.Kadmin(t, "addprinc -randkey HTTP/"+host)
	}
	k.ExportKeytab(t, k.Keytab, "HTTP/localhost", "HTTP/127.0.0.1")
	k.makeReadableByProxy(t, k.Keytab)
}

// makeReadableByProxy gives path to group proxy when that group exists (and
// we may chown), else makes it world-readable: it is a throwaway test key.
func (k *KDC) makeReadableByProxy(t testing.TB, path string) {
	t.Helper()
	if g, err := user.LookupGroup("proxy"); err == nil && os.Geteuid() == 0 {
		if gid, err := strconv.Atoi(g.Gid); err == nil {
			if err := os.Chown(path, 0, gid); err == nil {
				if err := os.Chmod(path, 0o640); err != nil {
					t.Fatalf("kdc: %v", err)
				}
				return
			}
		}
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatalf("kdc: %v", err)
	}
}

func (k *KDC) start(t testing.TB) error {
	t.Helper()
	bin, err := lookPath("krb5kdc")
	if err != nil {
		return err
	}
	out, err := os.OpenFile(filepath.Join(k.Dir, "krb5kdc.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command(bin, "-n", "-r", k.Realm) // -n: stay in the foreground
	cmd.Env = k.environ()
	if k.clockAhead > 0 {
		// libfaketime preloaded into krb5kdc itself, not the faketime
		// command: that one forks, runs krb5kdc as its child and does not
		// pass SIGTERM on, so stopping it by pid left the KDC running
		// after the test (found orphaned after a CI run).
		lib, err := faketimeLib()
		if err != nil {
			return err
		}
		cmd.Env = append(cmd.Env, "LD_PRELOAD="+lib, fmt.Sprintf("FAKETIME=+%ds", int(k.clockAhead.Seconds())))
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start krb5kdc: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(k.Port))
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err // let a later stop see it
			return fmt.Errorf("krb5kdc on %s exited at start (%v): %s", addr, err, k.tail("krb5kdc.out", k.LogFile))
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			stop()
			return fmt.Errorf("krb5kdc does not listen on %s after 15s: %s", addr, k.tail("krb5kdc.out", k.LogFile))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kdc log (%s):\n%s", k.LogFile, k.tail(k.LogFile))
		}
		stop()
	})
	return nil
}

// tail returns the last lines of files in Dir, for error messages.
func (k *KDC) tail(files ...string) string {
	var b strings.Builder
	for _, f := range files {
		if !filepath.IsAbs(f) {
			f = filepath.Join(k.Dir, f)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) > 30 {
			lines = lines[len(lines)-30:]
		}
		b.WriteString(strings.Join(lines, "\n"))
		b.WriteString("\n")
	}
	return b.String()
}

// AddUser creates principal name (in Realm unless it names one) with password.
func (k *KDC) AddUser(t testing.TB, name, password string) {
	t.Helper()
	k.Kadmin(t, fmt.Sprintf("addprinc -pw %q %s", password, name))
}

// Kinit gets a TGT for name into the FILE cache at ccache, as a user would.
func (k *KDC) Kinit(t testing.TB, name, password, ccache string) {
	t.Helper()
	ccache = strings.TrimPrefix(ccache, "FILE:")
	k.run(t, strings.NewReader(password+"\n"), "kinit", "-c", "FILE:"+ccache, name)
}

// Kadmin runs one kadmin.local query against the database and returns its
// output.
func (k *KDC) Kadmin(t testing.TB, query string) string {
	t.Helper()
	return k.run(t, nil, "kadmin.local", "-r", k.Realm, "-q", query)
}

// ExportKeytab writes the current keys of principals to the keytab at path
// without changing them (kadmin.local's ktadd -norandkey), so a password set
// with AddUser keeps working.
func (k *KDC) ExportKeytab(t testing.TB, path string, principals ...string) {
	t.Helper()
	k.Kadmin(t, "ktadd -k "+path+" -norandkey "+strings.Join(principals, " "))
}

// environ is the environment for Kerberos programs: this process's without
// any KRB5* variable, plus Env.
func (k *KDC) environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KRB5") {
			env = append(env, kv)
		}
	}
	return append(env, k.Env...)
}

func (k *KDC) run(t testing.TB, stdin *strings.Reader, name string, args ...string) string {
	t.Helper()
	bin, err := lookPath(name)
	if err != nil {
		t.Fatalf("kdc: %s: %v", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = k.environ()
	cmd.Dir = k.Dir
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("kdc: %s %s: %v: %s", name, strings.Join(redact(args), " "), err, out.String())
		}
		t.Fatalf("kdc: %s: %v", name, err)
	}
	// kadmin.local reports some failures only in its output.
	if name == "kadmin.local" && strings.Contains(out.String(), "while ") {
		t.Fatalf("kdc: kadmin.local %q: %s", redact(args)[len(args)-1], out.String())
	}
	return out.String()
}

// redact hides passwords given to kadmin.local and kdb5_util in messages.
func redact(args []string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if i > 0 && out[i-1] == "-P" {
			out[i] = "[redacted]"
		}
		if j := strings.Index(a, "-pw "); j >= 0 {
			out[i] = a[:j] + "-pw [redacted]"
		}
	}
	return out
}

// freeUDPAndTCPPort returns a port on 127.0.0.1 that is free for both UDP
// and TCP right now: the KDC serves both on one port.
func freeUDPAndTCPPort() (int, error) {
	for i := 0; i < 20; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		l.Close()
		if err != nil {
			continue
		}
		u.Close()
		return port, nil
	}
	return 0, errors.New("no port free for both udp and tcp after 20 tries")
}

// faketimeLib finds Debian's libfaketime (package libfaketime, which the
// faketime package depends on).
func faketimeLib() (string, error) {
	libs, _ := filepath.Glob("/usr/lib/*/faketime/libfaketime.so.1")
	if len(libs) == 0 {
		return "", errors.New("libfaketime.so.1 not found under /usr/lib/*/faketime: install the faketime package")
	}
	return libs[0], nil
}
