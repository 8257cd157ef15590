package credentials

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestKeyring(t *testing.T) {
	store := &testenv.Keyring{M: map[string]string{}}
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
	if store.M[`ferry|CORP\alice`] != "s3cret" {
		t.Errorf("stored under %v", store.M)
	}
}

// TestKeyringHeadless checks the messages for the errors go-keyring returns
// on a Linux without a session bus or without a Secret Service.
func TestKeyringHeadless(t *testing.T) {
	for _, e := range []error{
		errors.New(`exec: "dbus-launch": executable file not found in $PATH`),
		errors.New("The name org.freedesktop.secrets was not provided by any .service files"),
	} {
		k := Keyring{Service: KeyringService, Account: "alice", Store: &testenv.Keyring{Err: e}}
		_, err := k.Password(context.Background())
		if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "password_command") {
			t.Errorf("%v: err = %v, want ErrKeyringUnavailable naming the fallbacks", e, err)
		}
		if err := k.Set("x"); !errors.Is(err, ErrKeyringUnavailable) {
			t.Errorf("Set: err = %v", err)
		}
	}
}

func TestKeyringCheck(t *testing.T) {
	for _, tc := range []struct {
		name        string
		store       KeyringStore
		ok, missing bool
	}{
		{"an entry", &testenv.Keyring{M: map[string]string{"ferry|a": "pw"}}, true, false},
		{"no entry: the keyring still answers", &testenv.Keyring{M: map[string]string{}}, true, false},
		{"no keyring", &testenv.Keyring{Err: errors.New(`exec: "dbus-launch": executable file not found in $PATH`)}, false, true},
		{"a keyring error", &testenv.Keyring{Err: errors.New("locked")}, false, false},
	} {
		k := NewKeyring("a")
		k.Store = tc.store
		err := k.Check()
		if (err == nil) != tc.ok || errors.Is(err, ErrKeyringUnavailable) != tc.missing {
			t.Errorf("%s: Check() = %v", tc.name, err)
		}
	}
}
