package setup

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/credentials"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// startInitFakeParent is a hand-written parent for the refusal path: it
// wants Basic alice:right pw and counts the attempts that carried
// credentials.
func startInitFakeParent(t *testing.T) *testenv.FakeParent {
	return startParent(t, "right pw")
}

// startParent is a FakeParent that wants alice and password.
func startParent(t *testing.T, password string) *testenv.FakeParent {
	return testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Password = password })
}

// TestInitAsksAgainAfterRefusal runs against a real squid: a refused
// password, then the right one and a logon that fetches a real page.
func TestInitAsksAgainAfterRefusal(t *testing.T) {
	site := testenv.StartOrigin(t).URL + "/echo"
	p := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthBasic, Users: map[string]string{"alice": "right pw"}})
	dir := testenv.TempDir(t)
	conf := filepath.Join(dir, "ferry.toml")
	// The parent (a loopback one is never detected: it would be ferry
	// itself), the user, then "y" to try again.
	answers := bufio.NewReader(strings.NewReader(p.Addr + "\nalice\ny\n"))
	passwords := []string{"wrong pw", "right pw"}
	var out strings.Builder
	store := &testenv.Keyring{M: map[string]string{}}
	c := Conversation{
		In: answers, Out: &out, Interactive: true, Keyring: store,
		Getenv: noEnv,
		Password: func(string) (string, error) {
			if len(passwords) == 0 {
				return "", errors.New("asked too often")
			}
			pw := passwords[0]
			passwords = passwords[1:]
			return pw, nil
		},
	}
	o := Options{File: conf, TestURL: site}
	if err := Run(context.Background(), o, c); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	// squid's Basic helper checks each password once (its answers are
	// cached): one refusal and one acceptance.
	if n, refused := len(p.HelperAnswers()), p.FailedLogons(); n != 2 || refused != 1 {
		t.Errorf("%d logons at the parent (%d refused), want 2 (one per password typed), 1 refused", n, refused)
	}
	for _, want := range []string{"Asking " + p.Addr + " for " + site + " without credentials (at most 20s)...",
		"Logging on to " + p.Addr + " as alice with one request for " + site + " (at most 20s)...",
		"refused the password for alice", "Type the password again?", "Logged on to"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if store.M["ferry|alice"] != "right pw" {
		t.Errorf("keyring %v", store.M)
	}
	data, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "keyring = true") || strings.Contains(string(data), "right pw") {
		t.Errorf("config:\n%s", data)
	}
	// The written file loads, and its password comes from the keyring.
	cfg, err := config.Parse(conf, data)
	if err == nil {
		err = cfg.Finish(config.Overrides{Getenv: noEnv, Keyring: store})
	}
	if err != nil || cfg.Auth.Password != "right pw" || cfg.Creds.PasswordFrom != "auth.keyring" {
		t.Errorf("loading the written config: %v, password from %q", err, cfg.Creds.PasswordFrom)
	}
}

func TestInitYesDoesNotRetry(t *testing.T) {
	p := startInitFakeParent(t)
	conf := filepath.Join(testenv.TempDir(t), "ferry.toml")
	var out strings.Builder
	c := Conversation{
		In: bufio.NewReader(strings.NewReader("")), Out: &out, Getenv: noEnv,
		Keyring:  &testenv.Keyring{M: map[string]string{}},
		Password: func(string) (string, error) { return "wrong pw", nil },
	}
	o := Options{Parent: p.Addr, User: "alice", File: conf, Yes: true, Store: "keyring", TestURL: "http://origin.invalid/"}
	err := Run(context.Background(), o, c)
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
	c := Conversation{
		In: bufio.NewReader(strings.NewReader("")), Out: &out, Getenv: noEnv,
		Keyring:  &testenv.Keyring{Err: errors.New("The name org.freedesktop.secrets was not provided by any .service files")},
		Password: func(string) (string, error) { return "right pw", nil },
	}
	o := Options{Parent: p.Addr, User: "alice", File: conf, Yes: true, Store: "keyring", TestURL: "http://origin.invalid/"}
	err := Run(context.Background(), o, c)
	if err == nil || !strings.Contains(err.Error(), "password_command") {
		t.Fatalf("err = %v, want the keyring error naming the fallbacks", err)
	}
	// Without --store, the same machine falls back; Basic has no hash, so
	// nothing is stored and the output says what to do.
	o.Store = ""
	out.Reset()
	if err := Run(context.Background(), o, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "No OS keyring here") || !strings.Contains(out.String(), "password_command") {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestInitChecksLocallyBeforeAnyLogon: what can fail on this machine fails
// before ferry init asks the parent anything, so a retry costs no logon.
func TestInitChecksLocallyBeforeAnyLogon(t *testing.T) {
	noKeyring := &testenv.Keyring{Err: errors.New(`exec: "dbus-launch": executable file not found in $PATH`)}
	existing := filepath.Join(testenv.TempDir(t), "ferry.toml")
	if err := os.WriteFile(existing, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, config, store, want string
		keyring                   credentials.KeyringStore
		requests                  int
	}{
		{name: "config exists without --force", config: existing, keyring: &testenv.Keyring{M: map[string]string{}},
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
			c := Conversation{
				In: bufio.NewReader(strings.NewReader("")), Out: &out, Getenv: noEnv, Keyring: tc.keyring,
				Password: func(string) (string, error) { return "right pw", nil },
			}
			o := Options{Parent: p.Addr, User: "alice", File: conf, Yes: true, Store: tc.store, TestURL: "http://origin.invalid/"}
			err := Run(context.Background(), o, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if n := len(p.Requests()); n != tc.requests || p.Attempts() != 0 {
				t.Errorf("%d requests (%d with credentials) at the parent, want %d and no logon", n, p.Attempts(), tc.requests)
			}
		})
	}
}

// TestInitSaysWhatItWaitsForAndStops: a parent that takes the logon and
// then waits for the test page (example.com offline) is reported with the
// way out (--test-url), after the line saying what init waits for.
func TestInitSaysWhatItWaitsForAndStops(t *testing.T) {
	p := testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Password = "pw"
		p.Custom = func(c net.Conn, _ *http.Request) {
			_, _ = io.Copy(io.Discard, c) // the site never answers
		}
	})

	var out strings.Builder
	c := Conversation{
		In: bufio.NewReader(strings.NewReader("")), Out: &out, Getenv: noEnv,
		Keyring: &testenv.Keyring{M: map[string]string{}}, Limit: 400 * time.Millisecond,
		Password: func(string) (string, error) { return "pw", nil },
	}
	o := Options{Parent: p.Addr, User: "alice", File: filepath.Join(testenv.TempDir(t), "ferry.toml"),
		Yes: true, TestURL: "http://example.com/"}
	err := Run(context.Background(), o, c)
	if err == nil || !strings.Contains(err.Error(), "it cannot reach http://example.com/") || !strings.Contains(err.Error(), "pass --test-url") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(out.String(), "Logging on to "+p.Addr+" as alice with one request for http://example.com/ (at most 400ms)...") {
		t.Errorf("output does not say what init waits for:\n%s", out.String())
	}
}

func noEnv(string) string { return "" }
