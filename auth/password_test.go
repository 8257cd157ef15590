package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestPasswordCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the cases are sh syntax")
	}
	tests := []struct {
		name, cmd, want string
		errHas          []string
	}{
		{"first line only", `printf 'Pass word!\nmetadata: x\n'`, "Pass word!", nil},
		{"crlf", `printf 'pw\r\n'`, "pw", nil},
		{"no newline", `printf pw`, "pw", nil},
		{"pipes work", `echo c2VjcmV0 | base64 -d`, "secret", nil},
		{"fails with stderr", `echo 'gpg: decryption failed: No secret key' >&2; echo aHVudGVyMg== | base64 -d; exit 2`, "",
			[]string{"exit status 2", "gpg: decryption failed: No secret key", `password_command "echo`}},
		{"empty output", `true`, "", []string{"printed no password"}},
		{"empty command", `  `, "", []string{"password_command is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PasswordCommand{Command: tt.cmd}.Password(context.Background())
			if tt.errHas == nil {
				if err != nil || got != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %q, want an error", got)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q carries the command's stdout", err)
			}
		})
	}
}

func TestPasswordCommandTimeout(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sh syntax")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200e6)
	defer cancel()
	_, err := PasswordCommand{Command: "sleep 5"}.Password(ctx)
	if err == nil || !strings.Contains(err.Error(), "no answer in time") {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

// memKeyring is a keyring in memory, or one that fails like go-keyring on
// a headless Linux.
type memKeyring struct {
	m   map[string]string
	err error
}

func (k *memKeyring) Get(s, a string) (string, error) {
	if k.err != nil {
		return "", k.err
	}
	pw, ok := k.m[s+"/"+a]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return pw, nil
}

func (k *memKeyring) Set(s, a, pw string) error {
	if k.err != nil {
		return k.err
	}
	k.m[s+"/"+a] = pw
	return nil
}

func TestKeyring(t *testing.T) {
	store := &memKeyring{m: map[string]string{}}
	k := NewKeyring(`CORP\alice`)
	k.Store = store
	if _, err := k.Password(context.Background()); err == nil || !strings.Contains(err.Error(), "holds no password") {
		t.Errorf("empty keyring: err = %v", err)
	}
	if err := k.Set("s3cret"); err != nil {
		t.Fatal(err)
	}
	if pw, err := k.Password(context.Background()); pw != "s3cret" || err != nil {
		t.Errorf("got %q, %v", pw, err)
	}
	if store.m[`ferry/CORP\alice`] != "s3cret" {
		t.Errorf("stored under %v", store.m)
	}
}

// TestKeyringHeadless checks the messages for the errors go-keyring returns
// on a Linux without a session bus or without a Secret Service.
func TestKeyringHeadless(t *testing.T) {
	for _, e := range []error{
		errors.New(`exec: "dbus-launch": executable file not found in $PATH`),
		errors.New("The name org.freedesktop.secrets was not provided by any .service files"),
	} {
		k := Keyring{Service: KeyringService, Account: "alice", Store: &memKeyring{err: e}}
		_, err := k.Password(context.Background())
		if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "password_command") {
			t.Errorf("%v: err = %v, want ErrKeyringUnavailable naming the fallbacks", e, err)
		}
		if err := k.Set("x"); !errors.Is(err, ErrKeyringUnavailable) {
			t.Errorf("Set: err = %v", err)
		}
	}
}

func TestReadPasswordFromPipe(t *testing.T) {
	path := filepath.Join(testenv.TempDir(t), "in")
	if err := os.WriteFile(path, []byte("pipe pw\r\nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	pw, err := ReadPassword(f, &out, "Password: ")
	if pw != "pipe pw" || err != nil || out.Len() != 0 {
		t.Errorf("got %q, %v, prompt %q", pw, err, out.String())
	}
	if _, err := ReadPasswordLine(strings.NewReader("\n")); err == nil {
		t.Error("empty line accepted")
	}
	if _, err := (Prompt{In: f, Out: &out}).Password(context.Background()); err == nil {
		t.Error("--prompt without a terminal accepted")
	}
}

func TestKeyringCheck(t *testing.T) {
	for _, tc := range []struct {
		name        string
		store       KeyringStore
		ok, missing bool
	}{
		{"an entry", mapStore{"ferry|a": "pw"}, true, false},
		{"no entry: the keyring still answers", mapStore{}, true, false},
		{"no keyring", errStore{errors.New(`exec: "dbus-launch": executable file not found in $PATH`)}, false, true},
		{"a keyring error", errStore{errors.New("locked")}, false, false},
	} {
		k := NewKeyring("a")
		k.Store = tc.store
		err := k.Check()
		if (err == nil) != tc.ok || errors.Is(err, ErrKeyringUnavailable) != tc.missing {
			t.Errorf("%s: Check() = %v", tc.name, err)
		}
	}
}

type mapStore map[string]string

func (m mapStore) Get(s, a string) (string, error) {
	if v, ok := m[s+"|"+a]; ok {
		return v, nil
	}
	return "", keyring.ErrNotFound
}
func (m mapStore) Set(s, a, v string) error { m[s+"|"+a] = v; return nil }

type errStore struct{ err error }

func (e errStore) Get(string, string) (string, error) { return "", e.err }
func (e errStore) Set(string, string, string) error   { return e.err }
