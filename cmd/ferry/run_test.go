package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// startSquid starts a real squid that wants Basic alice and s3cret, and
// an origin behind it; it returns squid's address and a URL of the origin
// (its /echo).
func startSquid(t *testing.T) (parent, site string) {
	o := testenv.StartOrigin(t)
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthBasic, Users: map[string]string{"alice": "s3cret"}})
	return sq.Addr, o.URL + "/echo?path"
}

var listeningLine = regexp.MustCompile(`msg="ferry listening" addr=(\S+)`)

func TestRunServesThroughTheParentAndStopsOnCancel(t *testing.T) {
	parent, site := startSquid(t)
	dir := testenv.TempDir(t)
	stateUnder(t, dir)
	cfgPath := filepath.Join(dir, "ferry.toml")
	src := "listen = [\"127.0.0.1:0\"]\nparents = [\"" + parent + "\"]\n[auth]\nscheme = \"basic\"\nuser = \"alice\"\n"
	if err := os.WriteFile(cfgPath, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FERRY_PASSWORD", "s3cret")
	all := runAndGet(t, site, "run", "--config", cfgPath, "-v")
	for _, want := range []string{
		`msg="ferry parents" parents=` + parent,
		`msg="ferry credentials" identity=alice from="password from FERRY_PASSWORD" scheme=basic usable=Basic`,
		`msg="ferry stopped"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("logs lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "s3cret") {
		t.Errorf("the password is in the logs:\n%s", all)
	}
}

// The README's quick start: no config file, the parent and the user on the
// command line, the password in FERRY_PASSWORD.
func TestRunWithUserFlagLogsOnWithoutAConfig(t *testing.T) {
	parent, site := startSquid(t)
	t.Setenv("XDG_CONFIG_HOME", testenv.TempDir(t))
	stateUnder(t, testenv.TempDir(t))
	t.Setenv("FERRY_PASSWORD", "s3cret")
	all := runAndGet(t, site, "run", "--listen", "127.0.0.1:0", "--parent", parent, "--user", "alice")
	want := `msg="ferry credentials" identity=alice from="password from FERRY_PASSWORD" scheme=auto`
	if !strings.Contains(all, want) {
		t.Errorf("logs lack %q:\n%s", want, all)
	}
	if strings.Contains(all, "ticket cache") {
		t.Errorf("the log names a ticket cache that ferry does not use:\n%s", all)
	}
}

// runAndGet runs ferry with args, GETs site through it (which must answer
// 200 with the origin's echo of the request), stops it and returns its log.
func runAndGet(t *testing.T, site string, args ...string) string {
	t.Helper()
	defer slog.SetDefault(slog.Default())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	status := make(chan int, 1)
	go func() {
		status <- runContext(ctx, args, io.Discard, pw)
		pw.Close()
	}()
	var logs strings.Builder
	lines := bufio.NewScanner(pr)
	var addr string
	for addr == "" && lines.Scan() {
		logs.WriteString(lines.Text() + "\n")
		if m := listeningLine.FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("no listening line in:\n%s", logs.String())
	}
	rest := make(chan string)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()

	proxy, _ := url.Parse("http://" + addr)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, Timeout: 10 * time.Second}
	resp, err := client.Get(site)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var echo testenv.EchoReply
	if resp.StatusCode != 200 || json.Unmarshal(body, &echo) != nil || echo.Method != "GET" || echo.URL != "/echo?path" {
		t.Errorf("response %d %q", resp.StatusCode, body)
	}

	cancel()
	select {
	case s := <-status:
		if s != 0 {
			t.Errorf("exit status %d", s)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("ferry run did not stop after cancel")
	}
	return logs.String() + <-rest
}

func TestRunFailsWhenTheAddressIsTaken(t *testing.T) {
	defer slog.SetDefault(slog.Default())
	stateUnder(t, testenv.TempDir(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv("FERRY_PASSWORD", "")
	t.Setenv("XDG_CONFIG_HOME", testenv.TempDir(t))
	status, _, errOut := runArgs(t, "run", "--listen", ln.Addr().String(), "--parent", "127.0.0.1:1")
	if status != 1 || !strings.Contains(errOut, "ferry: listen on "+ln.Addr().String()) {
		t.Errorf("status %d stderr %q", status, errOut)
	}
}

// TestIdentitySourceIsTheTruth: the start log names where the identity
// comes from, and says so when nothing can log on (no user, no cache).
func TestIdentitySourceIsTheTruth(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows without a password uses the logon session (SSPI)")
	}
	dir := testenv.TempDir(t)
	missing := filepath.Join(dir, "no-ccache")
	present := filepath.Join(dir, "krb5cc")
	if err := os.WriteFile(present, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		cfg      config.Config
		id, from string
		ok       bool
	}{
		{"no user, no ticket cache", config.Config{Auth: auth.Config{CCache: "FILE:" + missing}}, "none", "no Kerberos ticket cache at " + missing, false},
		{"no user, a ticket cache", config.Config{Auth: auth.Config{CCache: "FILE:" + present}}, "the ticket's principal", "Kerberos ticket cache " + present, true},
		{"user and FERRY_PASSWORD", config.Config{Auth: auth.Config{User: "alice", Domain: "CORP", Password: "x"}, Creds: config.Creds{PasswordFrom: "FERRY_PASSWORD"}},
			`CORP\alice`, "password from FERRY_PASSWORD", true},
		{"user, no password, no cache", config.Config{Auth: auth.Config{User: "alice", CCache: "FILE:" + missing}}, "alice", "no Kerberos ticket cache at " + missing, false},
	} {
		id, from, ok := identitySource(&tc.cfg)
		if id != tc.id || !strings.HasPrefix(from, tc.from) || ok != tc.ok {
			t.Errorf("%s: got %q, %q, %v; want %q, %q..., %v", tc.name, id, from, ok, tc.id, tc.from, tc.ok)
		}
	}
}
