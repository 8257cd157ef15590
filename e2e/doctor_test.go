package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// doctorResult is the part of `ferry doctor --json` the tests read.
type doctorResult struct {
	Verdict  string   `json:"verdict"`
	Title    string   `json:"title"`
	Evidence string   `json:"evidence"`
	Fix      []string `json:"fix"`
	Checks   []struct {
		Name string `json:"name"`
		OK   bool   `json:"ok"`
	} `json:"checks"`
	Advice []string `json:"advice"`
}

// runDoctor runs `ferry doctor --json` with configTOML and the URLs, in a
// clean environment plus env, and returns its verdict and exit status.
func runDoctor(t *testing.T, configTOML string, env []string, urls ...string) (doctorResult, int) {
	t.Helper()
	path := filepath.Join(testenv.TempDir(t), "ferry.toml")
	if err := os.WriteFile(path, []byte(configTOML), 0o600); err != nil {
		t.Fatal(err)
	}
	return runDoctorArgs(t, []string{"--config", path}, env, urls...)
}

// runDoctorArgs runs `ferry doctor --json FLAGS` with no config file unless
// flags name one.
func runDoctorArgs(t *testing.T, flags, env []string, urls ...string) (doctorResult, int) {
	t.Helper()
	bin := testenv.BuildFerry(t)
	dir := testenv.TempDir(t)
	args := append([]string{"doctor", "--json"}, flags...)
	for _, u := range urls {
		args = append(args, "--url", u)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(doctorEnv(dir), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	status := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		status = ee.ExitCode()
	case err != nil:
		t.Fatalf("ferry doctor: %v", err)
	}
	var res doctorResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("ferry doctor --json: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	t.Logf("doctor: %s in %v; evidence: %s", res.Verdict, time.Since(start).Round(time.Millisecond), res.Evidence)
	return res, status
}

// doctorEnv is a clean environment: no proxy variables, no Kerberos
// pointers, no password, no language.
func doctorEnv(home string) []string {
	out := []string{"HOME=" + home}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch lk := strings.ToLower(k); {
		case strings.HasSuffix(lk, "_proxy"), strings.HasPrefix(k, "KRB5"), strings.HasPrefix(k, "FERRY_"),
			k == "HOME", k == "LANG", strings.HasPrefix(k, "LC_"):
			continue
		}
		out = append(out, kv)
	}
	return out
}

// wantVerdict fails t unless res has the verdict, a fix and exit status 1
// (0 for ok).
func wantVerdict(t *testing.T, res doctorResult, status int, verdict string) {
	t.Helper()
	if res.Verdict != verdict {
		t.Fatalf("verdict %q, want %q; evidence: %s; checks: %+v", res.Verdict, verdict, res.Evidence, res.Checks)
	}
	want := 1
	if verdict == "ok" {
		want = 0
	}
	if status != want {
		t.Errorf("exit status %d, want %d", status, want)
	}
	if len(res.Fix) == 0 || res.Title == "" {
		t.Errorf("verdict %s without title or fix: %+v", verdict, res)
	}
}

// shortTimeouts keeps the fault cases fast.
const shortTimeouts = "\n[timeouts]\nconnect = \"2s\"\nresponse_header = \"1s\"\n"

// urlsFor are the origin's test URLs: a plain GET and a CONNECT.
func urlsFor(o *testenv.Origin) []string {
	return []string{o.URL + "/echo", fmt.Sprintf("https://127.0.0.1:%d/", o.TLSPort)}
}

func TestDoctorOKThroughBasicSquid(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	res, status := runDoctor(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), nil, urlsFor(o)...)
	wantVerdict(t, res, status, "ok")
	var names []string
	for _, c := range res.Checks {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "config resolve connect speaks schemes credentials auth https http" {
		t.Errorf("checks %q", got)
	}
}

// TestDoctorWrongPasswordCostsOneLogon: the verdict, and exactly one failed
// logon at the parent.
func TestDoctorWrongPasswordCostsOneLogon(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	a := p.Auth
	a.Password = "not the password"
	res, status := runDoctor(t, ferryConfig([]string{p.Squid.Addr}, a), nil, urlsFor(o)...)
	wantVerdict(t, res, status, "credentials_rejected")
	if n := p.Squid.FailedLogons(); n != 1 {
		t.Errorf("squid saw %d failed logons, want 1", n)
	}
}

func TestDoctorNoCredentials(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	res, status := runDoctor(t, ferryConfig([]string{p.Squid.Addr}, ferryAuth{}), nil, urlsFor(o)...)
	wantVerdict(t, res, status, "credentials_missing")
	if !strings.Contains(res.Evidence, "Basic") {
		t.Errorf("evidence does not name the offered scheme: %s", res.Evidence)
	}
}

// TestDoctorSiteBlockedAfterLogon: squid logs ferry on, then its ACL
// refuses the site.
func TestDoctorSiteBlockedAfterLogon(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{DenyDomains: []string{"localhost"}})
	urls := []string{strings.Replace(o.URL, "127.0.0.1", "localhost", 1) + "/echo", fmt.Sprintf("https://localhost:%d/", o.TLSPort)}
	res, status := runDoctor(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), nil, urls...)
	wantVerdict(t, res, status, "site_blocked")
	if !strings.Contains(res.Evidence, "403") {
		t.Errorf("evidence lacks the parent's 403: %s", res.Evidence)
	}
}

// TestDoctorOriginUnreachable: squid cannot connect to the site.
func TestDoctorOriginUnreachable(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	closed := testenv.FreeAddr(t)
	res, status := runDoctor(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), nil, "http://"+closed+"/")
	wantVerdict(t, res, status, "origin_unreachable")
}

// TestDoctorKerberos: a Negotiate-only parent, with no ticket, and with
// credentials for another scheme only.
func TestDoctorKerberos(t *testing.T) {
	o := testenv.StartOrigin(t)
	kdc := testenv.StartKDC(t)
	kdc.AddUser(t, "alice", "Kerb-pw 7!")
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNegotiate, KDC: kdc, SSLPorts: []int{o.TLSPort}})
	env := []string{"KRB5_CONFIG=" + kdc.Krb5Conf, "KRB5CCNAME=FILE:" + filepath.Join(testenv.TempDir(t), "no-such-ccache")}

	res, status := runDoctor(t, ferryConfig([]string{sq.Addr}, ferryAuth{Scheme: "negotiate", User: "alice", Realm: kdc.Realm}), env, urlsFor(o)...)
	wantVerdict(t, res, status, "kerberos_no_ticket")

	res, status = runDoctor(t, ferryConfig([]string{sq.Addr}, ferryAuth{Scheme: "basic", User: "alice", Password: "pw"}), env, urlsFor(o)...)
	wantVerdict(t, res, status, "auth_scheme_unsupported")
	if !strings.Contains(res.Evidence, "Negotiate") {
		t.Errorf("evidence does not name Negotiate: %s", res.Evidence)
	}

	// After kinit the same parent is fine: no false alarm.
	ccache := filepath.Join(testenv.TempDir(t), "krb5cc_alice")
	kdc.Kinit(t, "alice", "Kerb-pw 7!", ccache)
	env[1] = "KRB5CCNAME=FILE:" + ccache
	res, status = runDoctor(t, ferryConfig([]string{sq.Addr}, ferryAuth{Scheme: "negotiate", User: "alice", Realm: kdc.Realm}), env, urlsFor(o)...)
	wantVerdict(t, res, status, "ok")
}

// TestDoctorRespectsRunningFerrysCooldown: while the running ferry rests
// the credentials, doctor must not spend another logon.
func TestDoctorRespectsRunningFerrysCooldown(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	a := p.Auth
	a.Password = "not the password"
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, a))
	c := proxyClient(t, o, f)
	resp, err := c.Get(o.URL + "/echo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("wrong password through ferry: status %d", resp.StatusCode)
	}
	before := p.Squid.FailedLogons()
	cfg := strings.Replace(ferryConfig([]string{p.Squid.Addr}, a), "127.0.0.1:0", f.Addr, 1)
	res, status := runDoctor(t, cfg, nil, urlsFor(o)...)
	wantVerdict(t, res, status, "locked_out")
	if after := p.Squid.FailedLogons(); after != before {
		t.Errorf("doctor cost %d more failed logons during the cool-down", after-before)
	}
}

func TestDoctorParentFaults(t *testing.T) {
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "intranet-web")
		http.NotFound(w, r)
	}))
	t.Cleanup(web.Close)
	tlsWeb := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsWeb.Config.ErrorLog = log.New(io.Discard, "", 0) // the probe's plain text is expected
	tlsWeb.StartTLS()
	t.Cleanup(tlsWeb.Close)
	cases := []struct {
		name, parent, verdict string
	}{
		{"closed port", testenv.FreeAddr(t), "parent_refused"},
		{"accepts and never answers", testenv.ServeTCP(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) }), "parent_timeout"},
		{"closes at once", testenv.ServeTCP(t, func(c net.Conn) {}), "parent_error"},
		{"name does not resolve", "proxy.ferry-doctor-test.invalid:3128", "parent_unresolvable"},
		{"web server", strings.TrimPrefix(web.URL, "http://"), "parent_not_proxy"},
		{"TLS port", strings.TrimPrefix(tlsWeb.URL, "https://"), "parent_not_proxy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := ferryConfig([]string{c.parent}, ferryAuth{User: "alice", Password: "pw"}) + shortTimeouts
			res, status := runDoctor(t, cfg, nil, "http://origin.example/", "https://origin.example/")
			wantVerdict(t, res, status, c.verdict)
		})
	}
}

func TestDoctorConfigInvalidInJapanese(t *testing.T) {
	res, status := runDoctor(t, "parents = [\"proxy.corp.example\"]\n", []string{"LANG=ja_JP.UTF-8"})
	wantVerdict(t, res, status, "config_invalid")
	if res.Title != "設定に誤りがあります" {
		t.Errorf("title %q is not the Japanese one", res.Title)
	}
}

// TestDoctorParentWithoutLogon: a parent that asks for no credentials is
// fine, and doctor says no logon was needed.
func TestDoctorParentWithoutLogon(t *testing.T) {
	o := testenv.StartOrigin(t)
	sq := testenv.StartSquid(t, testenv.SquidOptions{SSLPorts: []int{o.TLSPort}})
	res, status := runDoctor(t, ferryConfig([]string{sq.Addr}, ferryAuth{}), nil, urlsFor(o)...)
	wantVerdict(t, res, status, "ok")
	for _, c := range res.Checks {
		if c.Name == "credentials" {
			t.Errorf("doctor checked credentials for a parent that asks for none: %+v", res.Checks)
		}
	}
}

// TestDoctorSiteOutOfReachIsNotTheParent: a real squid that answers, and a
// site that never does (as example.com offline): the verdict is the site,
// not a parent to reach through the VPN, with logon (the relay's wait) and
// without (doctor's own probe).
func TestDoctorSiteOutOfReachIsNotTheParent(t *testing.T) {
	silent := testenv.ServeTCP(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	urls := []string{"http://" + silent + "/", "https://" + silent + "/"}
	t.Run("basic", func(t *testing.T) {
		p := startBasicParent(t, testenv.StartOrigin(t), testenv.SquidOptions{})
		res, status := runDoctor(t, ferryConfig([]string{p.Squid.Addr}, p.Auth)+shortTimeouts, nil, urls...)
		wantVerdict(t, res, status, "origin_unreachable")
	})
	t.Run("no logon", func(t *testing.T) {
		sq := testenv.StartSquid(t, testenv.SquidOptions{})
		res, status := runDoctor(t, ferryConfig([]string{sq.Addr}, ferryAuth{Scheme: "none"})+shortTimeouts, nil, urls...)
		wantVerdict(t, res, status, "origin_unreachable")
	})
}
