package main

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/credentials"
	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestProxyAddr(t *testing.T) {
	for in, want := range map[string]string{
		"http://proxy.corp:8080":      "proxy.corp:8080",
		"http://u:p@proxy.corp:3128/": "proxy.corp:3128",
		"proxy.corp:8080":             "proxy.corp:8080",
		"proxy.corp":                  "proxy.corp:8080",
		"http://[fd00::1]:8080":       "[fd00::1]:8080",
		"http://127.0.0.1:3128":       "", // ferry or cntlm itself
		"http://localhost:3128":       "",
		"":                            "",
		"http://proxy.corp:99999":     "",
		"https://secure-proxy.corp":   "secure-proxy.corp:443",
	} {
		if got := proxyAddr(in); got != want {
			t.Errorf("proxyAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOSProxyParsers(t *testing.T) {
	if got := parseWindowsProxyServer("proxy.corp:8080"); got != "proxy.corp:8080" {
		t.Errorf("plain: %q", got)
	}
	if got := parseWindowsProxyServer("ftp=f:21;http=h.corp:8080;https=s.corp:8443"); got != "s.corp:8443" {
		t.Errorf("per protocol: %q", got)
	}
	scutil := `<dictionary> {
  ExceptionsList : <array> {
    0 : *.local
  }
  HTTPEnable : 1
  HTTPPort : 8080
  HTTPProxy : proxy.corp.example
  HTTPSEnable : 0
}`
	if got := parseScutilProxy(scutil); got != "proxy.corp.example:8080" {
		t.Errorf("scutil: %q", got)
	}
	if got := parseGSettings("'manual'\n", "'proxy.corp'\n", "3128\n"); got != "proxy.corp:3128" {
		t.Errorf("gsettings: %q", got)
	}
	if got := parseGSettings("'none'\n", "'proxy.corp'\n", "3128\n"); got != "" {
		t.Errorf("gsettings mode none: %q", got)
	}
}

func TestDetectParentPrefersEnvironment(t *testing.T) {
	env := map[string]string{"http_proxy": "http://127.0.0.1:3128", "HTTPS_PROXY": "http://proxy.corp:8080"}
	addr, from := detectParent(func(k string) string { return env[k] })
	if addr != "proxy.corp:8080" || from != "HTTPS_PROXY" {
		t.Errorf("got %q from %q", addr, from)
	}
}

// startInitFakeParent is a hand-written parent for the refusal path: it
// wants Basic alice:right pw and counts the attempts that carried
// credentials.
func startInitFakeParent(t *testing.T) *testenv.BasicParent {
	return testenv.StartBasicParent(t, "alice", "right pw", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("origin page"))
	}))
}

func TestInitAsksAgainAfterRefusal(t *testing.T) {
	p := startInitFakeParent(t)
	dir := testenv.TempDir(t)
	conf := filepath.Join(dir, "ferry.toml")
	// The parent (a loopback one is never detected: it would be ferry
	// itself), the user, then "y" to try again.
	answers := bufio.NewReader(strings.NewReader(p.Addr + "\nalice\ny\n"))
	passwords := []string{"wrong pw", "right pw"}
	var out strings.Builder
	store := &fakeKeyring{m: map[string]string{}}
	c := initIO{
		in: answers, out: &out, errOut: &out, interactive: true, keyring: store,
		getenv: noEnv,
		password: func(string) (string, error) {
			if len(passwords) == 0 {
				return "", errors.New("asked too often")
			}
			pw := passwords[0]
			passwords = passwords[1:]
			return pw, nil
		},
	}
	o := initOptions{config: conf, testURL: "http://origin.invalid/"}
	if err := runInit(context.Background(), o, c); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if n := p.Attempts(); n != 2 {
		t.Errorf("%d logons at the parent, want 2 (one per password typed)", n)
	}
	for _, want := range []string{"Asking " + p.Addr + " for http://origin.invalid/ without credentials (at most 20s)...",
		"Logging on to " + p.Addr + " as alice with one request for http://origin.invalid/ (at most 20s)...",
		"refused the password for alice", "Type the password again?", "Logged on to"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if store.m["ferry|alice"] != "right pw" {
		t.Errorf("keyring %v", store.m)
	}
	data, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "keyring = true") || strings.Contains(string(data), "right pw") {
		t.Errorf("config:\n%s", data)
	}
	// The written file loads, and its password comes from the keyring.
	cfg, err := ParseConfig(conf, data)
	if err == nil {
		err = cfg.Finish(Overrides{Getenv: noEnv, Keyring: store})
	}
	if err != nil || cfg.Auth.Password != "right pw" || cfg.Creds.PasswordFrom != "auth.keyring" {
		t.Errorf("loading the written config: %v, password from %q", err, cfg.Creds.PasswordFrom)
	}
}

func TestInitYesDoesNotRetry(t *testing.T) {
	p := startInitFakeParent(t)
	conf := filepath.Join(testenv.TempDir(t), "ferry.toml")
	var out strings.Builder
	c := initIO{
		in: bufio.NewReader(strings.NewReader("")), out: &out, errOut: &out, getenv: noEnv,
		keyring:  &fakeKeyring{m: map[string]string{}},
		password: func(string) (string, error) { return "wrong pw", nil },
	}
	o := initOptions{parent: p.Addr, user: "alice", config: conf, yes: true, store: "keyring", testURL: "http://origin.invalid/"}
	err := runInit(context.Background(), o, c)
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("err = %v", err)
	}
	if n := p.Attempts(); n != 1 {
		t.Errorf("%d logons, want 1", n)
	}
	if _, err := os.Stat(conf); err == nil {
		t.Error("config written")
	}
}

func TestInitStoreKeyringFailsLoudlyWhenAskedFor(t *testing.T) {
	p := startInitFakeParent(t)
	conf := filepath.Join(testenv.TempDir(t), "ferry.toml")
	var out strings.Builder
	c := initIO{
		in: bufio.NewReader(strings.NewReader("")), out: &out, errOut: &out, getenv: noEnv,
		keyring:  &fakeKeyring{err: errors.New("The name org.freedesktop.secrets was not provided by any .service files")},
		password: func(string) (string, error) { return "right pw", nil },
	}
	o := initOptions{parent: p.Addr, user: "alice", config: conf, yes: true, store: "keyring", testURL: "http://origin.invalid/"}
	err := runInit(context.Background(), o, c)
	if err == nil || !strings.Contains(err.Error(), "password_command") {
		t.Fatalf("err = %v, want the keyring error naming the fallbacks", err)
	}
	// Without --store, the same machine falls back; Basic has no hash, so
	// nothing is stored and the output says what to do.
	o.store = ""
	out.Reset()
	if err := runInit(context.Background(), o, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "No OS keyring here") || !strings.Contains(out.String(), "password_command") {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestInitChecksLocallyBeforeAnyLogon: what can fail on this machine fails
// before ferry init asks the parent anything, so a retry costs no logon.
func TestInitChecksLocallyBeforeAnyLogon(t *testing.T) {
	noKeyring := &fakeKeyring{err: errors.New(`exec: "dbus-launch": executable file not found in $PATH`)}
	existing := filepath.Join(testenv.TempDir(t), "ferry.toml")
	if err := os.WriteFile(existing, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, config, store, want string
		keyring                   credentials.KeyringStore
		requests                  int
	}{
		{name: "config exists without --force", config: existing, keyring: &fakeKeyring{m: map[string]string{}},
			want: existing + " exists: ferry init does not replace it without --force"},
		{name: "--store keyring without a keyring", store: "keyring", keyring: noKeyring,
			want: "or pass --store config"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := startInitFakeParent(t)
			conf := tc.config
			if conf == "" {
				conf = filepath.Join(testenv.TempDir(t), "ferry.toml")
			}
			var out strings.Builder
			c := initIO{
				in: bufio.NewReader(strings.NewReader("")), out: &out, errOut: &out, getenv: noEnv, keyring: tc.keyring,
				password: func(string) (string, error) { return "right pw", nil },
			}
			o := initOptions{parent: p.Addr, user: "alice", config: conf, yes: true, store: tc.store, testURL: "http://origin.invalid/"}
			err := runInit(context.Background(), o, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if n := p.Requests(); n != tc.requests || p.Attempts() != 0 {
				t.Errorf("%d requests (%d with credentials) at the parent, want %d and no logon", n, p.Attempts(), tc.requests)
			}
		})
	}
}

// TestInitSaysWhatItWaitsForAndStops: a parent that takes the logon and
// then waits for the test page (example.com offline) is reported with the
// way out (--test-url), after the line saying what init waits for.
func TestInitSaysWhatItWaitsForAndStops(t *testing.T) {
	p := testenv.StartBasicParent(t, "alice", "pw", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // the site never answers
	}))

	var out strings.Builder
	c := initIO{
		in: bufio.NewReader(strings.NewReader("")), out: &out, errOut: &out, getenv: noEnv,
		keyring: &fakeKeyring{m: map[string]string{}}, limit: 400 * time.Millisecond,
		password: func(string) (string, error) { return "pw", nil },
	}
	o := initOptions{parent: p.Addr, user: "alice", config: filepath.Join(testenv.TempDir(t), "ferry.toml"),
		yes: true, testURL: "http://example.com/"}
	err := runInit(context.Background(), o, c)
	if err == nil || !strings.Contains(err.Error(), "it cannot reach http://example.com/") || !strings.Contains(err.Error(), "pass --test-url") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(out.String(), "Logging on to "+p.Addr+" as alice with one request for http://example.com/ (at most 400ms)...") {
		t.Errorf("output does not say what init waits for:\n%s", out.String())
	}
}
