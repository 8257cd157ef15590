//go:build unix

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestNTLMRestSurvivesReloadAndRestart is TestRestSurvivesReloadsAndRestarts
// for NTLM verified by Samba (the account a domain would lock): SIGHUP, an
// edit of the config file and a restart with the same wrong password cost
// no second failed logon at squid and not even a connection to it (README
// "Lockout guard": "a reload, an edit of the config file or a restart with
// the same password keeps it"). The right password then works at once.
func TestNTLMRestSurvivesReloadAndRestart(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startVerifiedNTLMParent(t, o, testenv.SquidOptions{})
	env := append(p.Env, "XDG_STATE_HOME="+testenv.TempDir(t))
	const wrong = "Wrong-pw 9!"
	a := p.Auth
	a.Password = wrong
	cfg := ferryConfig([]string{p.Squid.Addr}, a)
	f := testenv.StartFerry(t, cfg, env...)
	c := proxyClient(t, o, f)
	want502(t, c, o.URL+"/echo", "credentials_rejected")
	if got := p.Squid.FailedLogons(); got != 1 {
		t.Fatalf("the parent saw %d failed logons for the first request, want 1\nhelper: %q", got, p.Squid.HelperAnswers())
	}
	conns := p.Squid.ClientConnections()

	sighup(t, f.Pid())
	waitLogCount(t, f, "configuration reloaded", 1)
	want502(t, c, o.URL+"/echo", "locked_out")
	cfg += "# an edit\n"
	if err := os.WriteFile(f.Config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	waitLogCount(t, f, "configuration reloaded", 2)
	want502(t, c, o.URL+"/echo", "locked_out")
	// The tunnel path rests too.
	if resp, err := c.Get(o.TLSURL + "/echo"); err == nil {
		resp.Body.Close()
		t.Errorf("a CONNECT while the credentials rest succeeded: %d", resp.StatusCode)
	}
	c.CloseIdleConnections()
	if err := f.Stop(); err != nil {
		t.Fatal(err)
	}
	f = testenv.StartFerry(t, cfg, env...)
	c = proxyClient(t, o, f)
	want502(t, c, o.URL+"/echo", "locked_out")
	if got := p.Squid.FailedLogons(); got != 1 {
		t.Errorf("the parent saw %d failed logons across 2 reloads and a restart, want exactly 1\nhelper: %q", got, p.Squid.HelperAnswers())
	}
	if got := p.Squid.ClientConnections(); got != conns {
		t.Errorf("ferry connected to the parent %d more times while the credentials rested, want 0", got-conns)
	}

	// The right password, saved in the config: tried at once.
	if err := os.WriteFile(f.Config, []byte(ferryConfig([]string{p.Squid.Addr}, p.Auth)), 0o600); err != nil {
		t.Fatal(err)
	}
	waitLogCount(t, f, "configuration reloaded", 1)
	getEcho(t, c, o.URL+"/echo", nil)
	if got := p.Squid.FailedLogons(); got != 1 {
		t.Errorf("the parent saw %d failed logons in all, want 1\nhelper: %q", got, p.Squid.HelperAnswers())
	}
	f.AssertLogHasNo(t, wrong)
	checkLogClean(t, f, p)
}

// TestReloadMidRequestFinishes: a reload that moves ferry to another parent
// lets a download and an upload under way on the old one (over an NTLM
// connection) finish whole (docs/architecture.md: "requests under way
// finish on the old one"), and new requests go to the new parent.
func TestReloadMidRequestFinishes(t *testing.T) {
	o := testenv.StartOrigin(t)
	a := startNTLMParent(t, o, testenv.SquidOptions{})
	b := startBasicParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{a.Squid.Addr}, a.Auth))
	c := proxyClient(t, o, f)
	up := proxyClient(t, o, f)

	// A download larger than the sockets' buffers, read 1 MB before the
	// reload and the rest after it.
	const n = 32 << 20
	resp, err := c.Get(o.URL + "/bytes?n=" + strconv.Itoa(n))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	h := sha256.New()
	if _, err := io.CopyN(h, resp.Body, 1<<20); err != nil {
		t.Fatal(err)
	}
	// An upload whose body comes half before the reload, half after.
	pr, pw := io.Pipe()
	type sum struct {
		r   testenv.SumReply
		err error
	}
	sums := make(chan sum, 1)
	go func() {
		resp, err := up.Post(o.URL+"/sha256", "application/octet-stream", pr)
		if err != nil {
			sums <- sum{err: err}
			return
		}
		defer resp.Body.Close()
		var s sum
		s.err = json.NewDecoder(resp.Body).Decode(&s.r)
		sums <- s
	}()
	body := testenv.Pattern(n)
	if _, err := io.CopyN(pw, body, n/2); err != nil {
		t.Fatal(err)
	}

	if err := os.WriteFile(f.Config, []byte(ferryConfig([]string{b.Squid.Addr}, b.Auth)), 0o600); err != nil {
		t.Fatal(err)
	}
	sighup(t, f.Pid())
	waitLog(t, f, "configuration reloaded")
	// New requests go to the new parent while the old ones go on.
	getEcho(t, proxyClient(t, o, f), o.URL+"/echo", nil)
	if got := squidRequests(b.Squid, "GET", 200); got != 1 {
		t.Errorf("the new parent saw %d GETs, want 1", got)
	}

	if _, err := io.Copy(pw, body); err != nil {
		t.Fatalf("the upload broke after the reload: %v", err)
	}
	pw.Close()
	if _, err := io.Copy(h, resp.Body); err != nil {
		t.Fatalf("the download broke after the reload: %v", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != testenv.PatternSHA256(n) {
		t.Errorf("the download crossing the reload arrived damaged")
	}
	s := <-sums
	if s.err != nil || s.r.Length != n || s.r.SHA256 != testenv.PatternSHA256(n) {
		t.Errorf("the upload crossing the reload: %+v %v, want %d bytes whole", s.r, s.err, n)
	}
	for _, m := range []string{"GET", "POST"} {
		if got := squidRequests(a.Squid, m, 200); got != 1 {
			t.Errorf("the old parent saw %d %ss, want 1 (each request once, on the old parent)", got, m)
		}
	}
	if strings.Contains(f.Stderr(), "panic") {
		t.Errorf("ferry's log has a panic:\n%s", f.Stderr())
	}
	checkLogClean(t, f, a)
	checkLogClean(t, f, b)
}
