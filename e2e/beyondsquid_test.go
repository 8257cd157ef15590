package e2e

import (
	"encoding/base64"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// otherParent is a parent proxy that is not squid: Apache httpd as a
// forward proxy, or tinyproxy. Each breaks one of squid's habits that ferry
// must not take for the rule (see issue 19).
type otherParent struct {
	Addr    string
	Auth    ferryAuth
	Env     []string
	Secrets []string
	// apache is set for Apache parents: its logs count what it saw.
	apache *testenv.Apache
	tiny   *testenv.Tinyproxy
}

// status407s counts the 407s the parent sent (Apache logs them; tinyproxy
// logs no status, so -1).
func (p otherParent) status407s() int {
	if p.apache == nil {
		return -1
	}
	n := 0
	for _, e := range p.apache.AccessLog() {
		if e.Status == http.StatusProxyAuthRequired {
			n++
		}
	}
	return n
}

// failedLogons counts the refused passwords Apache logged ("password
// mismatch" for Basic and Digest); -1 for tinyproxy, which logs none.
func (p otherParent) failedLogons() int {
	if p.apache == nil {
		return -1
	}
	return strings.Count(strings.ToLower(p.apache.ErrorLog()), "mismatch")
}

func (p otherParent) log() string {
	if p.apache != nil {
		return p.apache.ErrorLog()
	}
	return p.tiny.Log()
}

type otherKind struct {
	name  string
	start func(t *testing.T, o *testenv.Origin) otherParent
	// wrongPassword: a wrong password reaches the parent (not for
	// Kerberos, where the KDC refuses it first).
	wrongPassword bool
}

func otherKinds() []otherKind {
	return []otherKind{
		{"apache-basic", startApacheBasic, true},
		{"apache-digest", func(t *testing.T, o *testenv.Origin) otherParent {
			return startApacheDigest(t, o, testenv.ApacheOptions{NcCheck: true})
		}, true},
		{"apache-gssapi", func(t *testing.T, o *testenv.Origin) otherParent { return startApacheGSSAPI(t, o, false) }, false},
		{"apache-gssapi-bound", func(t *testing.T, o *testenv.Origin) otherParent { return startApacheGSSAPI(t, o, true) }, false},
		{"tinyproxy", startTinyproxy, true},
	}
}

func startApacheBasic(t *testing.T, o *testenv.Origin) otherParent {
	const pw = "Apache-basic 1!"
	a := testenv.StartApache(t, testenv.ApacheOptions{Auth: testenv.ApacheAuthBasic, Users: map[string]string{"alice": pw}, ConnectPorts: []int{o.TLSPort}})
	return otherParent{Addr: a.Addr, apache: a, Auth: ferryAuth{User: "alice", Password: pw},
		Secrets: []string{pw, base64.StdEncoding.EncodeToString([]byte("alice:" + pw))}}
}

func startApacheDigest(t *testing.T, o *testenv.Origin, opts testenv.ApacheOptions) otherParent {
	const pw = "Apache-digest 2!"
	opts.Auth, opts.Users, opts.ConnectPorts = testenv.ApacheAuthDigest, map[string]string{"alice": pw}, []int{o.TLSPort}
	a := testenv.StartApache(t, opts)
	return otherParent{Addr: a.Addr, apache: a, Auth: ferryAuth{User: "alice", Password: pw}, Secrets: []string{pw}}
}

func startApacheGSSAPI(t *testing.T, o *testenv.Origin, bound bool) otherParent {
	const pw = "Apache-kerb 3!"
	kdc := testenv.StartKDC(t)
	kdc.AddUser(t, "alice", pw)
	ccache := filepath.Join(testenv.TempDir(t), "krb5cc_alice")
	kdc.Kinit(t, "alice", pw, ccache)
	a := testenv.StartApache(t, testenv.ApacheOptions{Auth: testenv.ApacheAuthGSSAPI, KDC: kdc, ConnectionBound: bound, ConnectPorts: []int{o.TLSPort}})
	return otherParent{Addr: a.Addr, apache: a,
		Auth:    ferryAuth{Scheme: "negotiate", User: "alice", Realm: kdc.Realm},
		Env:     []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + ccache},
		Secrets: []string{pw}}
}

func startTinyproxy(t *testing.T, o *testenv.Origin) otherParent {
	const pw = "Tiny-pw4"
	tp := testenv.StartTinyproxy(t, "alice", pw, o.TLSPort)
	return otherParent{Addr: tp.Addr, tiny: tp, Auth: ferryAuth{User: "alice", Password: pw},
		Secrets: []string{pw, base64.StdEncoding.EncodeToString([]byte("alice:" + pw))}}
}

// TestRequestsThroughParentsBeyondSquid runs what apps do through each
// parent that is not squid: a large upload as the first request, keep-alive
// GETs that cost no extra 407s, CONNECT, and 60 uploads over the replay
// buffer in a row, each arriving intact.
func TestRequestsThroughParentsBeyondSquid(t *testing.T) {
	for _, kind := range otherKinds() {
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o)
			f := testenv.StartFerry(t, ferryConfig([]string{p.Addr}, p.Auth), p.Env...)
			c := proxyClient(t, o, f)

			upload(t, c, o.URL, 20<<20, false)
			before := p.status407s()
			for range 50 {
				getEcho(t, c, o.URL+"/echo", nil)
			}
			if n := p.status407s() - before; before >= 0 && n > 2 {
				t.Errorf("50 keep-alive GETs cost %d 407s at the parent, want at most 2", n)
			}
			e := getEcho(t, c, o.TLSURL+"/echo", nil)
			checkOriginHeaders(t, e)
			start := time.Now()
			for i := range 60 {
				upload(t, c, o.URL, 1<<20, i%5 == 4)
			}
			t.Logf("60 uploads of 1 MB in %v; 407s at the parent in all: %d", time.Since(start).Round(time.Millisecond), p.status407s())
			f.AssertLogHasNo(t, p.Secrets...)
		})
	}
}

// TestWrongPasswordBeyondSquid: a wrong password costs one failed logon and
// gets the credentials page, also where the parent refuses it with 401
// (tinyproxy) instead of 407.
func TestWrongPasswordBeyondSquid(t *testing.T) {
	for _, kind := range otherKinds() {
		if !kind.wrongPassword {
			continue
		}
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o)
			a := p.Auth
			a.Password = "Wrong-pw 9!"
			f := testenv.StartFerry(t, ferryConfig([]string{p.Addr}, a), p.Env...)
			c := proxyClient(t, o, f)
			for i := range 10 {
				resp, err := c.Get(o.URL + "/echo")
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadGateway || !strings.Contains(strings.ToLower(string(body)), "password") {
					t.Fatalf("request %d: status %d, want 502 with the credentials page:\n%s", i, resp.StatusCode, body)
				}
			}
			if n := p.failedLogons(); n > 1 {
				t.Errorf("the parent saw %d failed logons for 10 requests, want 1:\n%s", n, p.log())
			}
			f.AssertLogHasNo(t, a.Password)
		})
	}
}

// TestDoctorBeyondSquid: doctor says ok through each parent, and
// credentials_rejected for a wrong password, with one failed logon.
func TestDoctorBeyondSquid(t *testing.T) {
	for _, kind := range otherKinds() {
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o)
			res, status := runDoctor(t, ferryConfig([]string{p.Addr}, p.Auth), p.Env, urlsFor(o)...)
			wantVerdict(t, res, status, "ok")
			if !kind.wrongPassword {
				return
			}
			a := p.Auth
			a.Password = "Wrong-pw 9!"
			res, status = runDoctor(t, ferryConfig([]string{p.Addr}, a), p.Env, urlsFor(o)...)
			wantVerdict(t, res, status, "credentials_rejected")
			if n := p.failedLogons(); n > 1 {
				t.Errorf("the parent saw %d failed logons, want 1:\n%s", n, p.log())
			}
		})
	}
}

// TestApacheDigestNoncesThatExpire: Apache's Digest nonces expire
// (AuthDigestNonceLifetime) and come back stale=true, and with
// AuthDigestNcCheck a nonce count that arrives out of order is refused as
// a replay. Paced uploads over the replay buffer must meet the renewal
// without loss, and parallel uploads must keep the counts in order.
func TestApacheDigestNoncesThatExpire(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startApacheDigest(t, o, testenv.ApacheOptions{NonceLifetime: 2 * time.Second, NcCheck: true})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	// Paced under a second apart, the uploads share a pooled connection
	// and its nonce, which expires every 2 s.
	for i := range 12 {
		if i > 0 {
			time.Sleep(500 * time.Millisecond)
		}
		upload(t, c, o.URL, 1<<20, false)
	}
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				upload(t, c, o.URL, 1<<20, false)
			}
		}()
	}
	wg.Wait()
	log := p.apache.ErrorLog()
	if strings.Contains(log, "replay attack") {
		t.Errorf("Apache saw nonce counts out of order:\n%s", log)
	}
	if !strings.Contains(log, "nonce expired") {
		t.Errorf("no nonce expired: the test did not exercise stale=true:\n%s", log)
	}
}
