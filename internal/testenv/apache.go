package testenv

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ApacheAuth is the scheme a test Apache demands from its proxy clients.
type ApacheAuth string

// The schemes StartApache can set up.
const (
	ApacheAuthBasic  ApacheAuth = "basic"  // mod_auth_basic over an htpasswd file
	ApacheAuthDigest ApacheAuth = "digest" // mod_auth_digest over an htdigest file
	ApacheAuthGSSAPI ApacheAuth = "gssapi" // mod_auth_gssapi with the KDC's keytab
)

// apacheModules is where Debian's apache2 package puts its modules.
const apacheModules = "/usr/lib/apache2/modules"

// ApacheOptions configures one test Apache httpd forward proxy.
type ApacheOptions struct {
	Auth ApacheAuth
	// Users maps user name to password for basic and digest.
	Users map[string]string
	// KDC supplies the keytab and Kerberos environment for gssapi.
	KDC *KDC
	// ConnectionBound sets GssapiConnectionBound On: a logon holds for the
	// connection, as with squid. Off (mod_auth_gssapi's default) wants a
	// token on every request.
	ConnectionBound bool
	// NonceLifetime is AuthDigestNonceLifetime in whole seconds (Apache's
	// default, 300 s, when zero); an older nonce draws a 407 stale=true.
	NonceLifetime time.Duration
	// NcCheck sets AuthDigestNcCheck On: a nonce count that does not follow
	// the last one for its client is refused as a possible replay.
	NcCheck bool
	// ConnectPorts are the ports CONNECT may reach besides 443.
	ConnectPorts []int
	// MaxKeepAliveRequests closes a connection (Connection: close on its
	// last answer) after this many requests; 0 keeps the default here,
	// no limit.
	MaxKeepAliveRequests int
	// KeepAliveTimeout closes a connection idle this long, in whole
	// seconds (120 s when zero).
	KeepAliveTimeout time.Duration
}

// Apache is a running Apache httpd forward proxy on 127.0.0.1, stopped when
// the test ends.
type Apache struct {
	Addr string // 127.0.0.1:PORT
	Port int
	Dir  string

	t        testing.TB
	conf     string
	d        *daemon
	stopOnce sync.Once
}

// StartApache starts apache2 in the foreground with its own configuration
// under t.TempDir (ServerRoot, PidFile, mutexes and runtime files there; no
// file of the system's /etc/apache2) and stops it at cleanup. It starts as
// root and serves as www-data, so the files it reads are given to www-data.
func StartApache(t testing.TB, opts ApacheOptions) *Apache {
	t.Helper()
	Require(t, "Apache httpd", "apache2", filepath.Join(apacheModules, "mod_proxy_connect.so"))
	if opts.Auth == ApacheAuthGSSAPI {
		Require(t, "mod_auth_gssapi", filepath.Join(apacheModules, "mod_auth_gssapi.so"))
		if opts.KDC == nil {
			t.Fatal("testenv: Apache gssapi auth needs ApacheOptions.KDC")
		}
	}
	dir := t.TempDir()
	openForProxy(t, dir)
	a := &Apache{Dir: dir, t: t, conf: filepath.Join(dir, "httpd.conf")}
	authConf := a.writeAuthFiles(t, opts)
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		a.Port = freePort(t)
		a.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(a.Port))
		writeFile(t, a.conf, a.config(opts, authConf), 0o644)
		chownTo(t, dir, "www-data")
		if out, err := exec.Command(apache2(), "-t", "-f", a.conf).CombinedOutput(); err != nil {
			t.Fatalf("testenv: apache2 -t -f %s: %v\n%s\n--- httpd.conf ---\n%s", a.conf, err, out, readFile(a.conf))
		}
		if lastErr = a.start(opts); lastErr == nil {
			t.Cleanup(a.Stop)
			return a
		}
	}
	t.Fatalf("testenv: apache2 did not start: %v\n--- error.log ---\n%s", lastErr, a.ErrorLog())
	return nil
}

func apache2() string {
	p, err := lookPath("apache2")
	if err != nil {
		return "apache2"
	}
	return p
}

func (a *Apache) config(opts ApacheOptions, authConf string) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("ServerRoot %q", a.Dir)
	p("ServerName localhost")
	p("Listen %s", a.Addr)
	p("PidFile %q", filepath.Join(a.Dir, "httpd.pid"))
	p("DefaultRuntimeDir %q", a.Dir)
	p("Mutex file:%s default", a.Dir)
	p("User www-data")
	p("Group www-data")
	p("ErrorLog %q", filepath.Join(a.Dir, "error.log"))
	p("LogLevel info auth_digest:debug")
	// The fields of squidLogFormat, so that AccessLog parses both.
	p(`LogFormat "%%{sec}t.%%{msec_frac}t %%>s - %%m %%U %%u %%{remote}p" ferry`)
	p("CustomLog %q ferry", filepath.Join(a.Dir, "access.log"))
	keepAlive := 120
	if opts.KeepAliveTimeout > 0 {
		keepAlive = int(max(opts.KeepAliveTimeout/time.Second, 1))
	}
	p("KeepAliveTimeout %d", keepAlive)
	p("MaxKeepAliveRequests %d", opts.MaxKeepAliveRequests)
	mods := []string{"mpm_event", "authn_core", "authn_file", "authz_core", "authz_user",
		"auth_basic", "auth_digest", "proxy", "proxy_http", "proxy_connect", "log_config"}
	if opts.Auth == ApacheAuthGSSAPI {
		mods = append(mods, "auth_gssapi")
	}
	for _, m := range mods {
		if m == "log_config" {
			// Built into Debian's apache2 binary.
			continue
		}
		p("LoadModule %s_module %s", m, filepath.Join(apacheModules, "mod_"+m+".so"))
	}
	p("ProxyRequests On")
	ports := []string{"443"}
	for _, port := range opts.ConnectPorts {
		ports = append(ports, strconv.Itoa(port))
	}
	p("AllowCONNECT %s", strings.Join(ports, " "))
	if opts.Auth == ApacheAuthDigest && opts.NcCheck {
		// The nonce counts of its clients live in shared memory.
		p("AuthDigestShmemSize 1048576")
	}
	p(`<Proxy "*">`)
	b.WriteString(authConf)
	p("  Require valid-user")
	p("</Proxy>")
	return b.String()
}

// writeAuthFiles writes the password files and returns the directives for
// <Proxy "*">.
func (a *Apache) writeAuthFiles(t testing.TB, opts ApacheOptions) string {
	t.Helper()
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, "  "+format+"\n", args...) }
	var lines strings.Builder
	switch opts.Auth {
	case ApacheAuthBasic:
		for name, pw := range opts.Users {
			fmt.Fprintf(&lines, "%s:%s\n", name, apr1(pw, randomHex(t, 4)))
		}
		file := filepath.Join(a.Dir, "htpasswd")
		writeFile(t, file, lines.String(), 0o640)
		p("AuthType Basic")
		p("AuthName %q", SquidRealm)
		p("AuthBasicProvider file")
		p("AuthUserFile %q", file)
	case ApacheAuthDigest:
		for name, pw := range opts.Users {
			sum := md5.Sum([]byte(name + ":" + SquidRealm + ":" + pw))
			fmt.Fprintf(&lines, "%s:%s:%s\n", name, SquidRealm, hex.EncodeToString(sum[:]))
		}
		file := filepath.Join(a.Dir, "htdigest")
		writeFile(t, file, lines.String(), 0o640)
		p("AuthType Digest")
		p("AuthName %q", SquidRealm)
		p("AuthDigestProvider file")
		p("AuthUserFile %q", file)
		p("AuthDigestDomain /")
		if opts.NonceLifetime > 0 {
			p("AuthDigestNonceLifetime %d", int(opts.NonceLifetime/time.Second))
		}
		if opts.NcCheck {
			p("AuthDigestNcCheck On")
		}
	case ApacheAuthGSSAPI:
		keytab := filepath.Join(a.Dir, "http.keytab")
		kt, err := os.ReadFile(opts.KDC.Keytab)
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
		writeFile(t, keytab, string(kt), 0o600)
		p("AuthType GSSAPI")
		p("AuthName %q", "ferry-test-gssapi")
		p("GssapiCredStore keytab:%s", keytab)
		p("GssapiAllowedMech krb5")
		p("GssapiBasicAuth Off")
		if opts.ConnectionBound {
			p("GssapiConnectionBound On")
		}
	default:
		t.Fatalf("testenv: unknown Apache auth %q", opts.Auth)
	}
	return b.String()
}

func (a *Apache) start(opts ApacheOptions) error {
	// -DFOREGROUND keeps the parent process ours, so that it is stopped by
	// its pid with its process group, and never outlives the test.
	env := []string{"KRB5RCACHETYPE=none"}
	if opts.KDC != nil {
		env = append(env, "KRB5_CONFIG="+opts.KDC.Krb5Conf)
	}
	d, err := startDaemon(a.Dir, "apache", env, apache2(), "-f", a.conf, "-DFOREGROUND")
	if err != nil {
		return err
	}
	a.d = d
	return waitListening(a.Addr, d.done, func() string {
		return fmt.Sprintf("%v\n%s\n%s", d.waitErr, readFile(filepath.Join(a.Dir, "apache.stderr")), a.ErrorLog())
	}, d.kill)
}

// Stop kills Apache (its process group: the parent and its workers) and
// waits for it; it is idempotent and also runs at cleanup.
func (a *Apache) Stop() {
	a.stopOnce.Do(func() {
		if a.d == nil {
			return
		}
		a.d.kill()
		if a.t.Failed() {
			a.t.Logf("testenv: apache error.log:\n%s", tail(a.ErrorLog(), 40))
			a.t.Logf("testenv: apache access.log:\n%s", tail(readFile(filepath.Join(a.Dir, "access.log")), 60))
		}
	})
}

// ErrorLog returns Apache's error log.
func (a *Apache) ErrorLog() string { return readFile(filepath.Join(a.Dir, "error.log")) }

// AccessLog parses Apache's access log (written when each request ends;
// it waits for the log to settle, as Squid.AccessLog does).
func (a *Apache) AccessLog() []AccessEntry {
	path := filepath.Join(a.Dir, "access.log")
	settle(path, 150*time.Millisecond, 3*time.Second)
	return parseAccessLog(readLines(path))
}
