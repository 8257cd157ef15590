package auth

import (
	"encoding/base64"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/jcmturner/gofork/encoding/asn1"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/service"
	"github.com/jcmturner/gokrb5/v8/spnego"
)

// These tests run against a real MIT KDC (internal/testenv) and verify the
// tokens with gokrb5's service side, as a parent proxy holding the keytab of
// HTTP/localhost would.

func newKDCNegotiate(t *testing.T, cfg Config) *Negotiate {
	t.Helper()
	s, err := NewNegotiate(cfg)
	if err != nil {
		t.Fatalf("NewNegotiate: %v", err)
	}
	n := s.(*Negotiate)
	t.Cleanup(func() { n.Close() })
	return n
}

func step(t *testing.T, s Scheme, proxy string) (Step, error) {
	t.Helper()
	sess, err := s.NewSession(proxy)
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	return sess.Step(Target{Proxy: proxy, Method: "GET", URI: "http://origin.test/"}, nil)
}

// verifyAtService checks header as squid's negotiate_kerberos_auth would:
// with the keytab of spn. It returns the authenticated user@REALM.
func verifyAtService(t *testing.T, k *testenv.KDC, spn, header string) string {
	t.Helper()
	b64, ok := strings.CutPrefix(header, "Negotiate ")
	if !ok {
		t.Fatalf("header %q does not start with %q", header, "Negotiate ")
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("token is not base64: %v", err)
	}
	kt, err := keytab.Load(k.Keytab)
	if err != nil {
		t.Fatal(err)
	}
	svc := spnego.SPNEGOService(kt, service.KeytabPrincipal(spn), service.DecodePAC(false))
	var tok spnego.SPNEGOToken
	if err := tok.Unmarshal(b); err != nil {
		t.Fatalf("token is not SPNEGO: %v", err)
	}
	ok, ctx, status := svc.AcceptSecContext(&tok)
	if !ok {
		t.Fatalf("service %s refused the token: %v", spn, status)
	}
	id, _ := ctx.Value("github.com/jcmturner/gokrb5/v8/ctxCredentials").(interface {
		UserName() string
		Domain() string
	})
	if id == nil {
		t.Fatal("no identity in the service context")
	}
	return id.UserName() + "@" + id.Domain()
}

func TestNegotiateTokenFromTicketCacheVerifiesAtService(t *testing.T) {
	k := testenv.StartKDC(t)
	k.AddUser(t, "alice", "Alice-pw1")
	cc := filepath.Join(testenv.TempDir(t), "krb5cc")
	k.Kinit(t, "alice", "Alice-pw1", cc)

	n := newKDCNegotiate(t, Config{Krb5Conf: k.Krb5Conf, CCache: "FILE:" + cc})
	if n.Name() != SchemeNegotiate || !n.PerConnection() {
		t.Errorf("Name, PerConnection = %q, %v; want Negotiate, true", n.Name(), n.PerConnection())
	}
	for _, host := range []string{"localhost", "127.0.0.1"} {
		st, err := step(t, n, host)
		if err != nil {
			t.Fatalf("Step for %s: %v", host, err)
		}
		if !st.Final {
			t.Error("the Kerberos leg must be final: the relay sends the body with it")
		}
		if got, want := verifyAtService(t, k, "HTTP/"+host, st.Header), "alice@"+k.Realm; got != want {
			t.Errorf("service saw %q, want %q", got, want)
		}
	}
}

func TestNegotiatePasswordLogonWithoutTicketCache(t *testing.T) {
	k := testenv.StartKDC(t)
	k.AddUser(t, "bob", "Bob-pw1")
	n := newKDCNegotiate(t, Config{
		Krb5Conf: k.Krb5Conf,
		CCache:   filepath.Join(testenv.TempDir(t), "absent"),
		User:     "bob",
		Domain:   strings.ToLower(k.Realm), // realm defaults to the domain upper-cased
		Password: "Bob-pw1",
	})
	st, err := step(t, n, "localhost")
	if err != nil {
		t.Fatalf("Step: %v", err)
	}
	if got := verifyAtService(t, k, "HTTP/localhost", st.Header); got != "bob@"+k.Realm {
		t.Errorf("service saw %q", got)
	}
	// Connections opened together share one logon, and each gets a fresh
	// authenticator: squid's replay cache would refuse the same one twice.
	var wg sync.WaitGroup
	headers := make([]string, 6)
	for i := range headers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := step(t, n, "localhost")
			if err != nil {
				t.Errorf("concurrent Step: %v", err)
			}
			headers[i] = st.Header
		}()
	}
	wg.Wait()
	seen := map[string]bool{st.Header: true}
	for _, h := range headers {
		if seen[h] {
			t.Fatal("two sessions sent the same token")
		}
		seen[h] = true
		verifyAtService(t, k, "HTTP/localhost", h)
	}
	if got := kdcLogCount(t, k, "AS_REQ", "ISSUE", "bob@"); got != 1 {
		t.Errorf("the KDC saw %d logons of bob, want 1", got)
	}
}

func TestNegotiateKeytabLogon(t *testing.T) {
	k := testenv.StartKDC(t)
	k.AddUser(t, "svc-ferry", "Svc-pw1")
	kt := filepath.Join(testenv.TempDir(t), "user.keytab")
	k.ExportKeytab(t, kt, "svc-ferry")
	n := newKDCNegotiate(t, Config{
		Krb5Conf: k.Krb5Conf,
		CCache:   filepath.Join(testenv.TempDir(t), "absent"),
		User:     "svc-ferry@" + k.Realm,
		Keytab:   kt,
	})
	st, err := step(t, n, "localhost")
	if err != nil {
		t.Fatalf("Step: %v", err)
	}
	if got := verifyAtService(t, k, "HTTP/localhost", st.Header); got != "svc-ferry@"+k.Realm {
		t.Errorf("service saw %q", got)
	}
}

func TestNegotiatePicksUpKinitAfterStart(t *testing.T) {
	k := testenv.StartKDC(t)
	k.AddUser(t, "carol", "Carol-pw1")
	k.AddUser(t, "dave", "Dave-pw1")
	cc := filepath.Join(testenv.TempDir(t), "krb5cc")
	n := newKDCNegotiate(t, Config{Krb5Conf: k.Krb5Conf, CCache: cc})

	sess, err := n.NewSession("localhost")
	if err != nil {
		t.Fatal(err)
	}
	target := Target{Proxy: "localhost", Method: "CONNECT", URI: "origin.test:443"}
	_, err = sess.Step(target, nil)
	if !errors.Is(err, ErrNoCredentials) || !errors.Is(err, ErrKerberosNoTicket) {
		t.Fatalf("Step without a cache: err = %v, want ErrKerberosNoTicket wrapping ErrNoCredentials", err)
	}
	if !strings.Contains(err.Error(), "kinit") {
		t.Errorf("error %q does not say to run kinit", err)
	}

	k.Kinit(t, "carol", "Carol-pw1", cc)
	st, err := sess.Step(target, nil)
	if err != nil {
		t.Fatalf("Step after kinit: %v", err)
	}
	if got := verifyAtService(t, k, "HTTP/localhost", st.Header); got != "carol@"+k.Realm {
		t.Errorf("service saw %q", got)
	}

	// A kinit as someone else rewrites the cache; the next session follows.
	k.Kinit(t, "dave", "Dave-pw1", cc)
	st, err = step(t, n, "localhost")
	if err != nil {
		t.Fatalf("Step after second kinit: %v", err)
	}
	if got := verifyAtService(t, k, "HTTP/localhost", st.Header); got != "dave@"+k.Realm {
		t.Errorf("after kinit dave the service saw %q", got)
	}

	// kdestroy removes the file: back to no ticket.
	if err := os.Remove(cc); err != nil {
		t.Fatal(err)
	}
	if _, err := step(t, n, "localhost"); !errors.Is(err, ErrKerberosNoTicket) {
		t.Errorf("after kdestroy: err = %v, want ErrKerberosNoTicket", err)
	}
}

func TestNegotiateUnknownSPNNamesTheCause(t *testing.T) {
	k := testenv.StartKDC(t)
	k.AddUser(t, "frank", "Frank-pw1")
	cc := filepath.Join(testenv.TempDir(t), "krb5cc")
	k.Kinit(t, "frank", "Frank-pw1", cc)
	n := newKDCNegotiate(t, Config{Krb5Conf: k.Krb5Conf, CCache: cc})

	// nosuchhost.example has no [domain_realm] entry, so gokrb5 asks the
	// user's own realm, whose KDC has no HTTP/nosuchhost.example.
	_, err := step(t, n, "nosuchhost.example")
	if !errors.Is(err, ErrKerberosUnknownSPN) {
		t.Fatalf("err = %v, want ErrKerberosUnknownSPN", err)
	}
	if errors.Is(err, ErrRejected) || errors.Is(err, ErrNoCredentials) {
		t.Errorf("an unknown SPN is neither a rejected logon nor missing credentials: %v", err)
	}
	var ke *KerberosError
	if !errors.As(err, &ke) || ke.Code != "KDC_ERR_S_PRINCIPAL_UNKNOWN" {
		t.Errorf("err = %#v, want a *KerberosError with code KDC_ERR_S_PRINCIPAL_UNKNOWN", err)
	}
	for _, want := range []string{"HTTP/nosuchhost.example", "DNS name", "not its IP"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// kdcLogCount counts lines of the KDC's log that contain all of words.
func kdcLogCount(t *testing.T, k *testenv.KDC, words ...string) int {
	t.Helper()
	b, err := os.ReadFile(k.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
lines:
	for _, line := range strings.Split(string(b), "\n") {
		for _, w := range words {
			if !strings.Contains(line, w) {
				continue lines
			}
		}
		n++
	}
	return n
}

func TestNegotiateWrongPasswordIsRejectedOnce(t *testing.T) {
	k := testenv.StartKDC(t)
	k.AddUser(t, "gina", "Gina-right1")
	const wrong = "Gina-wrong-Secret"
	n := newKDCNegotiate(t, Config{
		Krb5Conf: k.Krb5Conf,
		CCache:   filepath.Join(testenv.TempDir(t), "absent"),
		User:     `FERRY\gina`,
		Realm:    k.Realm,
		Password: wrong,
	})

	// Apps starting together: every Step fails, but the KDC sees one logon.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = step(t, n, "localhost")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if !errors.Is(err, ErrRejected) || !errors.Is(err, ErrKerberosLogonRejected) {
			t.Fatalf("err = %v, want ErrKerberosLogonRejected wrapping ErrRejected", err)
		}
		if strings.Contains(err.Error(), wrong) {
			t.Fatalf("error %q contains the password", err)
		}
	}
	var ke *KerberosError
	if !errors.As(errs[0], &ke) || ke.Code != "KDC_ERR_PREAUTH_FAILED" {
		t.Errorf("err = %v, want code KDC_ERR_PREAUTH_FAILED", errs[0])
	}
	if !strings.Contains(errs[0].Error(), "gina@"+k.Realm) {
		t.Errorf("error %q does not name the user", errs[0])
	}
	if got := kdcLogCount(t, k, "AS_REQ", "gina@", "PREAUTH_FAILED"); got != 1 {
		t.Errorf("the KDC saw %d failed logons, want 1", got)
	}
}

func TestNegotiateUnknownUserIsRejected(t *testing.T) {
	k := testenv.StartKDC(t)
	n := newKDCNegotiate(t, Config{
		Krb5Conf: k.Krb5Conf,
		CCache:   filepath.Join(testenv.TempDir(t), "absent"),
		User:     "nobody@" + k.Realm,
		Password: "Whatever-1",
	})
	_, err := step(t, n, "localhost")
	if !errors.Is(err, ErrKerberosUnknownUser) || !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want ErrKerberosUnknownUser wrapping ErrRejected", err)
	}
}

func TestNegotiateKDCUnreachable(t *testing.T) {
	// A port that was just free: nothing answers there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(testenv.TempDir(t), "krb5.conf")
	writeFile(t, conf, "[libdefaults]\n default_realm = DEAD.TEST\n dns_lookup_kdc = false\n"+
		"[realms]\n DEAD.TEST = {\n  kdc = 127.0.0.1:"+strconv.Itoa(port)+"\n }\n")
	n := newKDCNegotiate(t, Config{
		Krb5Conf: conf,
		CCache:   filepath.Join(testenv.TempDir(t), "absent"),
		User:     "hank",
		Password: "Hank-pw1",
	})
	_, err = step(t, n, "localhost")
	if !errors.Is(err, ErrKerberosKDCUnreachable) {
		t.Fatalf("err = %v, want ErrKerberosKDCUnreachable", err)
	}
	if errors.Is(err, ErrRejected) {
		t.Errorf("an unreachable KDC must not count as a rejected logon: %v", err)
	}
}

func TestNewNegotiateDoesNotContactTheKDC(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := l.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()
	conf := filepath.Join(testenv.TempDir(t), "krb5.conf")
	writeFile(t, conf, "[libdefaults]\n default_realm = SLOW.TEST\n udp_preference_limit = 1\n"+
		"[realms]\n SLOW.TEST = {\n  kdc = "+l.Addr().String()+"\n }\n")
	start := time.Now()
	n := newKDCNegotiate(t, Config{Krb5Conf: conf, User: "ivy", Password: "Ivy-pw1"})
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("NewNegotiate took %v", d)
	}
	if _, err := n.NewSession("localhost"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-accepted:
		t.Error("NewNegotiate or NewSession contacted the KDC")
	case <-time.After(100 * time.Millisecond):
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeSource is a ticketSource that records the SPNs asked for.
type fakeSource struct {
	spns []string
	err  error
}

func (f *fakeSource) token(spn string) ([]byte, error) {
	f.spns = append(f.spns, spn)
	return []byte("token-for-" + spn), f.err
}
func (f *fakeSource) close() {}

func TestNegotiateSessionLegs(t *testing.T) {
	src := &fakeSource{}
	n := &Negotiate{src: src}
	sess, _ := n.NewSession("proxy.corp.example")

	st, err := sess.Step(Target{Proxy: "proxy.corp.example."}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "Negotiate " + base64.StdEncoding.EncodeToString([]byte("token-for-HTTP/proxy.corp.example"))
	if st.Header != want || !st.Final {
		t.Errorf("Step = %+v, want header %q, final", st, want)
	}

	// The parent answers our ticket with a bare Negotiate: refused.
	_, err = sess.Step(Target{Proxy: "proxy.corp.example"}, &Challenge{Scheme: SchemeNegotiate})
	if !errors.Is(err, ErrRejected) || !errors.Is(err, ErrKerberosTicketRefused) {
		t.Fatalf("err = %v, want ErrKerberosTicketRefused wrapping ErrRejected", err)
	}
	if len(src.spns) != 1 {
		t.Errorf("a refusal must not fetch another ticket; asked for %v", src.spns)
	}

	// An explicit SPNEGO reject says so.
	rej := spnego.SPNEGOToken{Resp: true, NegTokenResp: spnego.NegTokenResp{NegState: asn1.Enumerated(spnego.NegStateReject)}}
	b, err := rej.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	_, err = sess.Step(Target{}, &Challenge{Scheme: SchemeNegotiate, Token: base64.StdEncoding.EncodeToString(b)})
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "reject") {
		t.Errorf("err = %v, want a SPNEGO reject", err)
	}

	// A parent that challenges before we spoke (auto mode) gets a ticket;
	// an empty Target.Proxy falls back to the session's parent.
	sess2, _ := n.NewSession("proxy.corp.example")
	if _, err := sess2.Step(Target{}, &Challenge{Scheme: SchemeNegotiate}); err != nil {
		t.Fatalf("first leg after a challenge: %v", err)
	}
	if got := src.spns[len(src.spns)-1]; got != "HTTP/proxy.corp.example" {
		t.Errorf("spn = %q", got)
	}

	// Source errors pass through unchanged.
	src.err = &KerberosError{Op: "find a ticket", Kind: ErrKerberosNoTicket}
	sess3, _ := n.NewSession("p")
	if _, err := sess3.Step(Target{Proxy: "p"}, nil); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("err = %v, want ErrNoCredentials", err)
	}
}
