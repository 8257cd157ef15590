package setup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/credentials"
	"github.com/ferryproxy/ferry/internal/testenv"
)

// passwordConfig writes src (with PARENT replaced) as a 0600 ferry.toml
// and loads it the way ferry password does.
func passwordConfig(t *testing.T, src, parent string) (string, *config.Config) {
	t.Helper()
	path := filepath.Join(testenv.TempDir(t), "ferry.toml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(src, "PARENT", parent)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, config.Overrides{Getenv: noEnv, NoSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	return path, cfg
}

const passwordFile = `# my proxy, set up by hand
listen = ["127.0.0.1:3128"]
parents = ["PARENT"]

[auth]
user = "alice"   # the account
password = "old pw"  # changed every 90 days
scheme = "basic"

[timeouts]
connect = "5s"
`

func TestPasswordKeepsFileCommentsOrderAndMode(t *testing.T) {
	p := startParent(t, `new "pw"`)
	path, cfg := passwordConfig(t, passwordFile, p.Addr)
	var out strings.Builder
	ch := PasswordChange{Config: cfg, TestURL: "http://origin.invalid/", Out: &out}
	if where, err := ch.Where(); err != nil || where != StoreFile {
		t.Fatalf("Where = %q, %v; want %q", where, err, StoreFile)
	}
	if _, err := ch.Apply(context.Background(), `new "pw"`); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got, _ := os.ReadFile(path)
	want := strings.ReplaceAll(strings.Replace(passwordFile, `password = "old pw"`, `password = "new \"pw\""`, 1), "PARENT", p.Addr)
	if string(got) != want {
		t.Errorf("file after ferry password:\n%s\nwant:\n%s", got, want)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
	}
	again, err := config.LoadFile(path)
	if err != nil || again.Auth.Password != `new "pw"` {
		t.Errorf("reloaded password %q, %v", again.Auth.Password, err)
	}
	if n := p.Attempts(); n != 1 {
		t.Errorf("%d logons, want 1", n)
	}
}

func TestPasswordRefusedStoresNothingAfterOneLogon(t *testing.T) {
	p := startParent(t, "right pw")
	path, cfg := passwordConfig(t, passwordFile, p.Addr)
	before, _ := os.ReadFile(path)
	var out strings.Builder
	ch := PasswordChange{Config: cfg, TestURL: "http://origin.invalid/", Out: &out}
	_, err := ch.Apply(context.Background(), "wrong pw")
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "nothing was stored") {
		t.Fatalf("err = %v, want ErrRefused saying nothing was stored", err)
	}
	if n := p.Attempts(); n != 1 {
		t.Errorf("%d logons with credentials, want exactly 1", n)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("file changed:\n%s", after)
	}
}

func TestPasswordRegeneratesHashes(t *testing.T) {
	p := startParent(t, "new pw")
	old := credentials.HashPassword("alice", "CORP", "old pw")
	src := "parents = [\"PARENT\"]\n[auth]\nuser = \"alice\"\ndomain = \"CORP\"\n" +
		"pass_nt = \"" + old.NT + "\"\n# keep this comment\npass_ntlmv2 = '" + old.NTLMv2 + "'  # ferry hash\n"
	path, cfg := passwordConfig(t, src, p.Addr)
	ch := PasswordChange{Config: cfg, TestURL: "http://origin.invalid/", Out: &strings.Builder{}}
	if where, _ := ch.Where(); where != StoreHashes {
		t.Fatalf("Where = %q, want %q", where, StoreHashes)
	}
	if _, err := ch.Apply(context.Background(), "new pw"); err != nil {
		t.Fatal(err)
	}
	h := credentials.HashPassword("alice", "CORP", "new pw")
	got, _ := os.ReadFile(path)
	want := strings.ReplaceAll(src, "PARENT", p.Addr)
	want = strings.Replace(want, `"`+old.NT+`"`, `"`+h.NT+`"`, 1)
	want = strings.Replace(want, `'`+old.NTLMv2+`'`, `"`+h.NTLMv2+`"`, 1)
	if string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
}

func TestPasswordKeyringAndEnvFile(t *testing.T) {
	p := startParent(t, "new pw")
	t.Run("keyring", func(t *testing.T) {
		_, cfg := passwordConfig(t, "parents = [\"PARENT\"]\n[auth]\nuser = \"alice\"\nkeyring = true\n", p.Addr)
		store := &testenv.Keyring{M: map[string]string{"ferry|alice": "old pw"}}
		ch := PasswordChange{Config: cfg, TestURL: "http://origin.invalid/", Out: &strings.Builder{}, Keyring: store}
		if _, err := ch.Apply(context.Background(), "new pw"); err != nil {
			t.Fatal(err)
		}
		if got := store.M["ferry|alice"]; got != "new pw" {
			t.Errorf("keyring holds %q", got)
		}
	})
	t.Run("no secret yet", func(t *testing.T) {
		// A user in the file and no password anywhere: the keyring gets it,
		// and the file keyring = true, which ferry run needs to ask it.
		path, cfg := passwordConfig(t, "parents = [\"PARENT\"]\n[auth]\n  user = \"alice\" # me\n[timeouts]\nconnect = \"5s\"\n", p.Addr)
		store := &testenv.Keyring{M: map[string]string{}}
		ch := PasswordChange{Config: cfg, TestURL: "http://origin.invalid/", Out: &strings.Builder{}, Keyring: store}
		if _, err := ch.Apply(context.Background(), "new pw"); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(path)
		if !strings.Contains(string(got), "  user = \"alice\" # me\n  keyring = true  # the password is in the OS keyring (ferry password)\n[timeouts]") {
			t.Errorf("file:\n%s", got)
		}
		again, err := config.Load(path, config.Overrides{Getenv: noEnv, Keyring: store})
		if err != nil || again.Auth.Password != "new pw" {
			t.Errorf("ferry run would read %q, %v", again.Auth.Password, err)
		}
	})
	t.Run("no keyring: no logon", func(t *testing.T) {
		_, cfg := passwordConfig(t, "parents = [\"PARENT\"]\n[auth]\nuser = \"alice\"\nkeyring = true\n", p.Addr)
		store := &testenv.Keyring{Err: errors.New("The name org.freedesktop.secrets was not provided by any .service files")}
		before := p.Attempts()
		ch := PasswordChange{Config: cfg, TestURL: "http://origin.invalid/", Out: &strings.Builder{}, Keyring: store}
		if _, err := ch.Apply(context.Background(), "new pw"); !errors.Is(err, credentials.ErrKeyringUnavailable) {
			t.Errorf("err = %v, want ErrKeyringUnavailable", err)
		}
		if n := p.Attempts() - before; n != 0 {
			t.Errorf("%d logons, want none", n)
		}
	})
	t.Run("ferry.env", func(t *testing.T) {
		path, cfg := passwordConfig(t, "parents = [\"PARENT\"]\n[auth]\nuser = \"alice\"\n", p.Addr)
		env := filepath.Join(filepath.Dir(path), "ferry.env")
		if err := os.WriteFile(env, []byte("# for the service\nFERRY_PASSWORD=old\nKRB5_CONFIG=/etc/krb5.conf\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		ch := PasswordChange{Config: cfg, TestURL: "http://origin.invalid/", Out: &strings.Builder{}}
		if _, err := ch.Apply(context.Background(), "new pw"); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(env)
		if want := "# for the service\nFERRY_PASSWORD=\"new pw\"\nKRB5_CONFIG=/etc/krb5.conf\n"; string(got) != want {
			t.Errorf("ferry.env:\n%s\nwant:\n%s", got, want)
		}
	})
}

// password_command and the shell's FERRY_PASSWORD are explained before a
// password is asked for, and cost no logon.
func TestPasswordNotWritable(t *testing.T) {
	p := startParent(t, "new pw")
	_, cfg := passwordConfig(t, "parents = [\"PARENT\"]\n[auth]\nuser = \"alice\"\npassword_command = \"pass show corp\"\n", p.Addr)
	ch := PasswordChange{Config: cfg, Out: &strings.Builder{}}
	if _, err := ch.Where(); !errors.Is(err, ErrNotWritable) || !strings.Contains(err.Error(), "pass show corp") {
		t.Errorf("password_command: %v", err)
	}
	if _, err := ch.Apply(context.Background(), "new pw"); !errors.Is(err, ErrNotWritable) {
		t.Errorf("Apply: %v", err)
	}
	_, cfg = passwordConfig(t, "parents = [\"PARENT\"]\n[auth]\nuser = \"alice\"\n", p.Addr)
	ch = PasswordChange{Config: cfg, Out: &strings.Builder{}, ShellPassword: true}
	if _, err := ch.Where(); !errors.Is(err, ErrNotWritable) || !strings.Contains(err.Error(), "FERRY_PASSWORD") {
		t.Errorf("shell: %v", err)
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("%d requests at the parent, want none", n)
	}
}

func TestSetKeys(t *testing.T) {
	for _, tc := range []struct{ name, src, want, err string }{
		{name: "dotted at the top", src: "auth.password = 'x' # c\n[auth]\nuser = \"a\"\n", want: "auth.password = \"N\" # c\n[auth]\nuser = \"a\"\n"},
		{name: "other tables untouched", src: "[tunnel_x]\npassword = \"x\"\n[auth]\npassword = \"y\"\r\n", want: "[tunnel_x]\npassword = \"x\"\n[auth]\npassword = \"N\"\r\n"},
		{name: "escaped quote", src: "[auth]\npassword = \"a\\\"b\"  # c\n", want: "[auth]\npassword = \"N\"  # c\n"},
		{name: "multi-line string", src: "[auth]\npassword = \"\"\"x\"\"\"\n", err: "multi-line"},
		{name: "missing", src: "[auth]\nuser = \"a\"\n", err: "no one-line password under [auth]"},
		{name: "a key-like line inside a multi-line value", src: "[auth]\nuser = \"\"\"\npassword = \"x\"\n\"\"\"\npassword = \"y\"\n",
			want: "[auth]\nuser = \"\"\"\npassword = \"x\"\n\"\"\"\npassword = \"N\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := setKeys(tc.src, "auth", map[string]string{"password": `"N"`})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v\nwant %q", got, err, tc.want)
			}
		})
	}
}

func TestAddKeyAfter(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"[auth]\n\tuser = \"a\"  # me\n[limits]\n", "[auth]\n\tuser = \"a\"  # me\n\tkeyring = true\n[limits]\n"},
		{"auth.user = \"a\"", "auth.user = \"a\"\nauth.keyring = true\n"},
		{"[[tunnel]]\nuser = \"x\"\n[auth]\nuser = \"a\"\r\n", "[[tunnel]]\nuser = \"x\"\n[auth]\nuser = \"a\"\r\nkeyring = true\r\n"},
	} {
		if got, err := addKeyAfter(tc.src, "auth", "user", "keyring = true"); err != nil || got != tc.want {
			t.Errorf("addKeyAfter(%q) = %q, %v; want %q", tc.src, got, err, tc.want)
		}
	}
	if _, err := addKeyAfter("[auth]\nscheme = \"auto\"\n", "auth", "user", "keyring = true"); err == nil {
		t.Error("no user line: no error")
	}
}

// TestPasswordRefusedTwiceCostsOneLogon: ferry password (or the status
// page's form) with a password the parent refused within the cool-down
// makes no second logon: the refusal is in ferry's lockout state file,
// shared with ferry and ferry doctor. Another password is tried at once.
func TestPasswordRefusedTwiceCostsOneLogon(t *testing.T) {
	p := startParent(t, "right pw")
	_, cfg := passwordConfig(t, passwordFile, p.Addr)
	state := filepath.Join(testenv.TempDir(t), "ferry", "lockout.json")
	ch := PasswordChange{Config: cfg, TestURL: "http://origin.invalid/", Out: &strings.Builder{}, LockoutState: state}
	if _, err := ch.Apply(context.Background(), "wrong pw"); !errors.Is(err, ErrRefused) {
		t.Fatalf("first try: %v, want ErrRefused", err)
	}
	_, err := ch.Apply(context.Background(), "wrong pw")
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "not tried again before") {
		t.Errorf("the same password again: %v, want ErrRefused saying it is not tried again", err)
	}
	if n := p.Attempts(); n != 1 {
		t.Errorf("%d logons with the same refused password, want 1", n)
	}
	if _, err := ch.Apply(context.Background(), "right pw"); err != nil {
		t.Errorf("another password: %v", err)
	}
	if n := p.Attempts(); n != 2 {
		t.Errorf("%d logons after another password, want 2", n)
	}
}
