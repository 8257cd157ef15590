package testenv

import (
	"testing"

	"github.com/zalando/go-keyring"
)

// go-keyring, as ferry uses it, stores and reads an item in the test's
// Secret Service and finds nothing for another account.
func TestSecretService(t *testing.T) {
	s := StartSecretService(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", s.Bus.Address)
	if err := keyring.Set("ferry", `CORP\alice`, "pw 1"); err != nil {
		t.Fatalf("set: %v", err)
	}
	if got, err := keyring.Get("ferry", `CORP\alice`); err != nil || got != "pw 1" {
		t.Errorf("get: %q, %v", got, err)
	}
	if _, err := keyring.Get("ferry", "bob"); err != keyring.ErrNotFound {
		t.Errorf("another account: %v, want ErrNotFound", err)
	}
}
