package testenv

import (
	"bufio"
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
	"sync"
	"testing"
	"time"
)

// SquidAuth is the scheme a test squid demands from its clients.
type SquidAuth string

// The schemes StartSquid can set up.
const (
	SquidAuthNone      SquidAuth = ""
	SquidAuthBasic     SquidAuth = "basic"     // basic_ncsa_auth over an htpasswd file
	SquidAuthDigest    SquidAuth = "digest"    // digest_file_auth over a plain password file
	SquidAuthNTLM      SquidAuth = "ntlm"      // ntlm_fake_auth: any password passes
	SquidAuthNegotiate SquidAuth = "negotiate" // negotiate_kerberos_auth with the KDC's keytab
)

// SquidRealm is the Basic and Digest realm a test squid announces.
const SquidRealm = "ferry-test"

// squidHelpers is where Debian's squid package puts its auth helpers.
const squidHelpers = "/usr/lib/squid"

// SquidOptions configures one test squid.
type SquidOptions struct {
	Auth SquidAuth
	// Users maps user name to password for basic and digest.
	Users map[string]string
	// KDC supplies the keytab and Kerberos environment for negotiate.
	KDC *KDC
	// NTLMToo, with Auth negotiate, offers NTLM (ntlm_fake_auth) after
	// Negotiate, as Windows-integrated proxies do.
	NTLMToo bool
	// NTLM, with Auth ntlm, checks NTLMv2 responses against real
	// passwords instead of ntlm_fake_auth's accepting anything.
	NTLM *NTLMVerifier
	// SSLPorts are the ports CONNECT may reach besides 443 (the origin's TLS port).
	SSLPorts []int
	// ClientIdlePconnTimeout, when set, makes squid close idle client
	// connections (that is, ferry's pooled ones) after this long.
	ClientIdlePconnTimeout time.Duration
	// DenyDomains are refused with 403 after authentication succeeded.
	DenyDomains []string
	// DigestNonceMaxCount limits how often a Digest nonce may be used (squid's
	// default is 50) so tests can reach stale=true quickly.
	DigestNonceMaxCount int
	// WebSocket lets squid forward Upgrade: websocket requests (squid 5
	// drops the Upgrade header unless told otherwise).
	WebSocket bool
	// Extra is appended to squid.conf verbatim.
	Extra string
	// Port, when set, is the port to listen on instead of a free one: a
	// test replaces a stopped squid by another at the same address.
	Port int
}

// Squid is a running squid on 127.0.0.1, stopped when the test ends.
type Squid struct {
	Addr string // 127.0.0.1:PORT
	Port int
	Dir  string
	Name string // squid's -n service name, unique per instance

	t         testing.TB
	conf      string
	cmd       *exec.Cmd
	done      chan struct{}
	waitErr   error
	stopOnce  sync.Once
	lifeline  *os.File // closing it makes the watchdog kill squid
	helperIn  string
	helperOut string
}

// AccessEntry is one line of squid's access log.
type AccessEntry struct {
	Time       time.Time
	Status     int    // HTTP status squid sent the client
	Result     string // TCP_MISS, TCP_DENIED, TCP_TUNNEL...
	Method     string
	URL        string
	User       string // "-" when the request carried no accepted credentials
	ClientPort int    // the client's source port: one per client connection
}

// squidLogFormat keeps the access log trivially parseable: no field may hold a space.
const squidLogFormat = `logformat ferry %ts.%03tu %>Hs %Ss %rm %ru %un %>p`

// StartSquid starts a squid with opts under t.TempDir and stops it at cleanup.
// squid needs root to start (it drops to user proxy), so every file it reads is
// made readable by proxy and its directories writable by it.
func StartSquid(t testing.TB, opts SquidOptions) *Squid {
	t.Helper()
	Require(t, "squid", "/usr/sbin/squid")
	switch opts.Auth {
	case SquidAuthNone:
	case SquidAuthBasic:
		Require(t, "squid basic_ncsa_auth", filepath.Join(squidHelpers, "basic_ncsa_auth"))
	case SquidAuthDigest:
		Require(t, "squid digest_file_auth", filepath.Join(squidHelpers, "digest_file_auth"))
	case SquidAuthNTLM:
		if opts.NTLM == nil {
			Require(t, "squid ntlm_fake_auth", filepath.Join(squidHelpers, "ntlm_fake_auth"))
		}
	case SquidAuthNegotiate:
		Require(t, "squid negotiate_kerberos_auth", filepath.Join(squidHelpers, "negotiate_kerberos_auth"))
		if opts.KDC == nil {
			t.Fatal("testenv: squid negotiate auth needs SquidOptions.KDC")
		}
	default:
		t.Fatalf("testenv: unknown squid auth %q", opts.Auth)
	}

	dir := TempDir(t)
	openForProxy(t, dir)
	s := &Squid{
		Dir:       dir,
		Name:      "ferrysq" + randomHex(t, 6),
		t:         t,
		conf:      filepath.Join(dir, "squid.conf"),
		helperIn:  filepath.Join(dir, "helper.in.log"),
		helperOut: filepath.Join(dir, "helper.out.log"),
	}
	authConf := s.writeAuthFiles(t, opts)

	// The port is picked free and then handed to squid; another process may
	// take it in between, so a failed start is retried on a new port.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s.Port = opts.Port
		if s.Port == 0 {
			s.Port = freePort(t)
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
		writeFile(t, s.conf, s.config(opts, authConf), 0o644)
		chownToProxy(t, dir)
		if out, err := exec.Command("squid", "-k", "parse", "-f", s.conf, "-n", s.Name).CombinedOutput(); err != nil {
			t.Fatalf("testenv: squid -k parse %s: %v\n%s\n--- squid.conf ---\n%s", s.conf, err, out, readFile(s.conf))
		}
		if lastErr = s.start(opts); lastErr == nil {
			t.Cleanup(s.Stop)
			return s
		}
	}
	t.Fatalf("testenv: squid did not start: %v\n--- cache.log ---\n%s", lastErr, s.CacheLog())
	return nil
}

// squidWatchdog runs squid under a shell that kills it once its stdin, a
// pipe only the test process holds, reaches EOF: when the test ends or dies.
// squid switches to user proxy, which clears a parent-death signal, so it
// cannot be tied to the test process any other way.
const squidWatchdog = `exec 3<&0
squid -N -f "$1" -n "$2" </dev/null 3<&- &
sq=$!
( read _ <&3; kill -KILL $sq 2>/dev/null ) &
wait $sq`

func (s *Squid) start(opts SquidOptions) error {
	cmd := exec.Command("/bin/sh", "-c", squidWatchdog, "squid-watchdog", s.conf, s.Name)
	cmd.Dir = s.Dir
	cmd.Env = os.Environ()
	if opts.KDC != nil {
		cmd.Env = append(cmd.Env, opts.KDC.Env...)
	}
	out, err := os.Create(filepath.Join(s.Dir, "squid.stderr"))
	if err != nil {
		return fmt.Errorf("create squid stderr file: %w", err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = childAttr()
	lifeline, held, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("squid watchdog pipe: %w", err)
	}
	cmd.Stdin = lifeline
	err = cmd.Start()
	lifeline.Close()
	if err != nil {
		held.Close()
		return fmt.Errorf("start squid: %w", err)
	}
	s.cmd, s.lifeline = cmd, held
	s.done = make(chan struct{})
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()

	return waitListening(s.Addr, s.done, func() string {
		return fmt.Sprintf("%v\n%s", s.waitErr, readFile(filepath.Join(s.Dir, "squid.stderr")))
	}, s.kill)
}

// Stop kills squid and its helpers and waits for them; it is idempotent and
// also runs at cleanup. A graceful shutdown costs squid two seconds of event
// loop ticks even with SIGINT, and a test squid has nothing to save: its logs
// are written unbuffered. Only its shared memory segments need removing.
func (s *Squid) Stop() {
	s.stopOnce.Do(func() {
		if s.cmd == nil || s.cmd.Process == nil {
			return
		}
		s.kill()
		if shm, _ := filepath.Glob(filepath.Join("/dev/shm", s.Name+"-*")); len(shm) > 0 {
			for _, f := range shm {
				_ = os.Remove(f)
			}
		}
		if s.t.Failed() {
			s.t.Logf("testenv: squid %s cache.log:\n%s", s.Name, tail(s.CacheLog(), 40))
			s.t.Logf("testenv: squid %s access.log:\n%s", s.Name, tail(readFile(filepath.Join(s.Dir, "access.log")), 60))
		}
	})
}

func (s *Squid) kill() {
	s.lifeline.Close()
	// The watchdog's group holds squid; its helpers exit when squid's pipes close.
	_ = killGroup(s.cmd.Process.Pid)
	<-s.done
}

// Reconfigure has squid re-read its configuration (squid -k reconfigure),
// as an administrator's change does, and returns once it listens again.
// squid restarts its auth helpers then, and so forgets every outstanding
// NTLM challenge: a client's type 3 for one goes to a new helper as if it
// began a handshake.
func (s *Squid) Reconfigure(t testing.TB) {
	t.Helper()
	before := strings.Count(s.CacheLog(), "Accepting HTTP Socket connections")
	if out, err := exec.Command("squid", "-k", "reconfigure", "-f", s.conf, "-n", s.Name).CombinedOutput(); err != nil {
		t.Fatalf("testenv: squid -k reconfigure: %v\n%s", err, out)
	}
	for deadline := time.Now().Add(10 * time.Second); strings.Count(s.CacheLog(), "Accepting HTTP Socket connections") <= before; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("testenv: squid did not listen again within 10 s of a reconfigure\n%s", tail(s.CacheLog(), 20))
		}
	}
}

// ProxyURL is squid's address as an http:// URL string.
func (s *Squid) ProxyURL() string { return "http://" + s.Addr }

// CacheLog returns squid's cache.log (its diagnostics).
func (s *Squid) CacheLog() string { return readFile(filepath.Join(s.Dir, "cache.log")) }

// HelperRequests returns every line squid sent its auth helper, in order
// (for NTLM and Negotiate "YR <token>" starts a handshake, "KK <token>"
// continues it; for Basic "user password"; for Digest "user":"realm").
// Like the answers, the log can trail squid by a moment: it settles first.
func (s *Squid) HelperRequests() []string {
	settle(s.helperIn, 100*time.Millisecond, 2*time.Second)
	return readLines(s.helperIn)
}

// HelperAnswers returns every line the auth helper answered, in order. The
// wrapper's tee hands an answer to squid before it lands in the file, so a
// test can see squid's 407 first: the file settles before it is read.
func (s *Squid) HelperAnswers() []string {
	settle(s.helperOut, 100*time.Millisecond, 2*time.Second)
	return readLines(s.helperOut)
}

// Handshakes counts the NTLM or Negotiate handshakes squid started (YR lines).
func (s *Squid) Handshakes() int {
	n := 0
	for _, l := range s.HelperRequests() {
		if strings.HasPrefix(l, "YR") {
			n++
		}
	}
	return n
}

// Logons counts the helper's verdicts on credentials: ntlm_auth's AF and NA,
// negotiate_kerberos_auth's (and the Basic and Digest helpers') OK and ERR,
// the logons a domain controller sees. Unlike Handshakes, it leaves out an
// NTLM type 1 leg, which draws a challenge (TT) and is no logon.
func (s *Squid) Logons() int {
	n := 0
	for _, l := range s.HelperAnswers() {
		switch strings.Fields(l + " ")[0] {
		case "AF", "NA", "OK", "ERR":
			n++
		}
	}
	return n
}

// FailedLogons counts the helper's refusals: ERR (Basic, Digest unknown user),
// NA (NTLM, Negotiate) and BH (helper could not decide). A Digest response
// computed with a wrong password is checked by squid itself and does not show
// here: see DeniedWithCredentials.
func (s *Squid) FailedLogons() int {
	n := 0
	for _, l := range s.HelperAnswers() {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "ERR", "NA", "BH":
			n++
		}
	}
	return n
}

// AccessLog parses squid's access log. squid logs a transaction when it
// ends, which can be just after the client has read the whole response, so
// AccessLog first waits for the log to stop growing (150 ms, at most 3 s).
func (s *Squid) AccessLog() []AccessEntry { return parseAccessLog(s.AccessLogLines()) }

// parseAccessLog reads lines in squidLogFormat (Apache's test config writes
// the same fields).
func parseAccessLog(lines []string) []AccessEntry {
	var out []AccessEntry
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 7 {
			continue
		}
		if f[3] == "-" {
			// A connection closed before a request head, e.g. the
			// readiness probe: no request to report.
			continue
		}
		var e AccessEntry
		if sec, err := strconv.ParseFloat(f[0], 64); err == nil {
			e.Time = time.UnixMilli(int64(sec * 1000))
		}
		e.Status, _ = strconv.Atoi(f[1])
		e.Result, e.Method, e.URL, e.User = f[2], f[3], f[4], f[5]
		e.ClientPort, _ = strconv.Atoi(f[6])
		out = append(out, e)
	}
	return out
}

// DeniedWithCredentials counts the 407s squid sent to requests that carried
// credentials it could name: a wrong Basic or Digest password. For Digest
// this is the only count of failed logons (the helper only looks up HA1).
func (s *Squid) DeniedWithCredentials() int {
	n := 0
	for _, e := range s.AccessLog() {
		if e.Status == 407 && e.User != "-" {
			n++
		}
	}
	return n
}

// AccessLogLines returns the raw access log lines once the log has settled
// (see AccessLog).
func (s *Squid) AccessLogLines() []string {
	path := filepath.Join(s.Dir, "access.log")
	settle(path, 150*time.Millisecond, 3*time.Second)
	return readLines(path)
}

// settle waits until the file at path has kept its size for quiet, or until
// limit has passed.
func settle(path string, quiet, limit time.Duration) {
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			return -1
		}
		return fi.Size()
	}
	deadline := time.Now().Add(limit)
	last, since := size(), time.Now()
	for time.Now().Before(deadline) && time.Since(since) < quiet {
		time.Sleep(25 * time.Millisecond)
		if n := size(); n != last {
			last, since = n, time.Now()
		}
	}
}

// ClientConnections counts the distinct client connections (source ports)
// that carried the logged requests.
func (s *Squid) ClientConnections() int {
	ports := map[int]bool{}
	for _, e := range s.AccessLog() {
		ports[e.ClientPort] = true
	}
	return len(ports)
}

func (s *Squid) config(opts SquidOptions, authConf string) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("http_port 127.0.0.1:%d", s.Port)
	p("visible_hostname ferry-test-squid")
	p("pid_filename %s", filepath.Join(s.Dir, "squid.pid"))
	p("cache_log %s", filepath.Join(s.Dir, "cache.log"))
	p("%s", squidLogFormat)
	p("access_log stdio:%s ferry", filepath.Join(s.Dir, "access.log"))
	p("buffered_logs off")
	p("cache_store_log none")
	p("coredump_dir %s", s.Dir)
	p("cache deny all")
	p("cache_mem 8 MB")
	p("pinger_enable off")
	p("icp_port 0")
	p("htcp_port 0")
	p("dns_nameservers 127.0.0.1")
	p("udp_incoming_address 127.0.0.1")
	p("udp_outgoing_address 127.0.0.1")
	p("shutdown_lifetime 1 seconds")
	p("client_persistent_connections on")
	p("server_persistent_connections on")
	if opts.ClientIdlePconnTimeout > 0 {
		p("client_idle_pconn_timeout %d seconds", max(1, int(opts.ClientIdlePconnTimeout/time.Second)))
	}
	// Uploads of hundreds of MB go through; the origin is on loopback.
	p("request_body_max_size 0")
	// Squid 5.7 (Debian 12) has bug 5405: when an upload fills its request
	// buffer (client_request_buffer_max_size, 512 KB, plus 64 KB) faster
	// than the origin drains it, a read into the full buffer returns 0 and
	// squid takes it for the client's EOF: it closes the connection without
	// an answer and logs TCP_MISS_ABORTED (seen here in about one 200 MB
	// upload in twenty under load; fixed upstream in 2024,
	// squid-cache/squid#1887). A buffer far above what the loopback origin
	// ever falls behind by keeps the bug out of the tests' way.
	p("client_request_buffer_max_size 64 MB")
	if opts.WebSocket {
		p("http_upgrade_request_protocols websocket allow all")
	}
	p("forwarded_for delete")
	p("via off")

	ssl := []string{"443"}
	for _, port := range opts.SSLPorts {
		ssl = append(ssl, strconv.Itoa(port))
	}
	p("acl SSL_ports port %s", strings.Join(ssl, " "))
	p("acl CONNECT method CONNECT")
	p("acl localnet src 127.0.0.0/8")
	p("http_access deny !localnet")
	p("http_access deny CONNECT !SSL_ports")
	b.WriteString(authConf)
	if len(opts.DenyDomains) > 0 {
		p("acl denied_domains dstdomain %s", strings.Join(opts.DenyDomains, " "))
	}
	if opts.Auth == SquidAuthNone {
		if len(opts.DenyDomains) > 0 {
			p("http_access deny denied_domains")
		}
		p("http_access allow localnet")
	} else {
		p("acl authed proxy_auth REQUIRED")
		// Ordered so the domain is refused only after credentials were
		// accepted, the way corporate proxies apply URL filters.
		p("http_access deny !authed")
		if len(opts.DenyDomains) > 0 {
			p("http_access deny denied_domains")
		}
		p("http_access allow authed")
	}
	p("http_access deny all")
	if opts.Extra != "" {
		b.WriteString(opts.Extra + "\n")
	}
	return b.String()
}

// writeAuthFiles writes the password files and the logging helper wrapper and
// returns the auth_param lines.
func (s *Squid) writeAuthFiles(t testing.TB, opts SquidOptions) string {
	t.Helper()
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	switch opts.Auth {
	case SquidAuthNone:
		return ""
	case SquidAuthBasic:
		file := filepath.Join(s.Dir, "htpasswd")
		var lines strings.Builder
		for name, pw := range opts.Users {
			fmt.Fprintf(&lines, "%s:%s\n", name, apr1(pw, randomHex(t, 4)))
		}
		writeFile(t, file, lines.String(), 0o644)
		p("auth_param basic program %s", s.writeHelper(t, opts, "basic_ncsa_auth", file))
		p("auth_param basic children 5 startup=1 idle=1")
		p("auth_param basic realm %s", SquidRealm)
		p("auth_param basic credentialsttl 2 hours")
	case SquidAuthDigest:
		file := filepath.Join(s.Dir, "digest_passwd")
		var lines strings.Builder
		for name, pw := range opts.Users {
			fmt.Fprintf(&lines, "%s:%s\n", name, pw)
		}
		writeFile(t, file, lines.String(), 0o644)
		p("auth_param digest program %s", s.writeHelper(t, opts, "digest_file_auth", file))
		p("auth_param digest children 5 startup=1 idle=1")
		p("auth_param digest realm %s", SquidRealm)
		if opts.DigestNonceMaxCount > 0 {
			p("auth_param digest nonce_max_count %d", opts.DigestNonceMaxCount)
		}
	case SquidAuthNTLM:
		if v := opts.NTLM; v != nil {
			p("auth_param ntlm program %s", s.writeHelper(t, opts, v.Program))
		} else {
			p("auth_param ntlm program %s", s.writeHelper(t, opts, "ntlm_fake_auth"))
		}
		p("auth_param ntlm children 5 startup=1 idle=1")
		p("auth_param ntlm keep_alive on")
	case SquidAuthNegotiate:
		p("auth_param negotiate program %s", s.writeHelper(t, opts, "negotiate_kerberos_auth", "-s", "GSS_C_NO_NAME", "-k", opts.KDC.Keytab))
		p("auth_param negotiate children 5 startup=1 idle=1")
		p("auth_param negotiate keep_alive on")
		if opts.NTLMToo {
			p("auth_param ntlm program %s", s.writeHelper(t, opts, "ntlm_fake_auth"))
			p("auth_param ntlm children 5 startup=1 idle=1")
			p("auth_param ntlm keep_alive on")
		}
	}
	return b.String()
}

// writeHelper writes a shell wrapper around a squid auth helper (a name in
// squid's helper directory or an absolute path) that copies
// every request line and every answer to a log, so tests can count what the
// parent saw. tee writes each chunk as it reads it, so the helper protocol's
// line-by-line exchange is not held up.
func (s *Squid) writeHelper(t testing.TB, opts SquidOptions, helper string, args ...string) string {
	t.Helper()
	writeFile(t, s.helperIn, "", 0o666)
	writeFile(t, s.helperOut, "", 0o666)
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	var env []string
	if opts.KDC != nil {
		env = append(env, opts.KDC.Env...)
	}
	if opts.NTLM != nil {
		env = append(env, opts.NTLM.Env...)
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(v))
	}
	quoted := make([]string, 0, len(args)+1)
	program := helper
	if !filepath.IsAbs(program) {
		program = filepath.Join(squidHelpers, helper)
	}
	quoted = append(quoted, shellQuote(program))
	for _, a := range args {
		quoted = append(quoted, shellQuote(a))
	}
	filter := ""
	if helper == "ntlm_fake_auth" {
		// sed -u passes each line on as soon as it is complete.
		filter = fmt.Sprintf(" | sed -u 's|^TT .*|TT %s|'", fakeNTLMChallenge(t))
	}
	fmt.Fprintf(&b, "tee -a %s | %s%s | tee -a %s\n", shellQuote(s.helperIn), strings.Join(quoted, " "), filter, shellQuote(s.helperOut))
	path := filepath.Join(s.Dir, filepath.Base(helper)+".logging.sh")
	writeFile(t, path, b.String(), 0o755)
	return path
}

// openForProxy lets user proxy reach dir: t.TempDir's directories are 0700.
func openForProxy(t testing.TB, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
		if err := os.Chmod(d, fi.Mode().Perm()|0o711); err != nil {
			t.Fatalf("testenv: open %s for user proxy: %v", d, err)
		}
	}
}

// chownToProxy gives dir and its files to user proxy, which squid drops to.
func chownToProxy(t testing.TB, dir string) { chownTo(t, dir, "proxy") }

// chownTo gives dir and its files to the user a server drops to (squid's
// proxy, Apache's www-data), when the tests run as root.
func chownTo(t testing.TB, dir, name string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatalf("testenv: the server runs as user %s: %v", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	err = filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
	if err != nil {
		t.Fatalf("testenv: chown %s to %s: %v", dir, name, err)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	_, port, _ := net.SplitHostPort(FreeAddr(t))
	n, _ := strconv.Atoi(port)
	return n
}

// FreeAddr returns a 127.0.0.1 address nothing listens on just now: for a
// listener a test is about to start, or a parent that must refuse.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("testenv: random: %v", err)
	}
	return hex.EncodeToString(b)
}

func writeFile(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	// WriteFile keeps the mode of an existing file and applies the umask.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatalf("testenv: %v", err)
	}
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Sprintf("(read %s: %v)", path, err)
	}
	return string(b)
}

func readLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
