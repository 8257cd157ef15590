package credentials

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/zalando/go-keyring"
)

// ErrKeyringUnavailable means the machine has no usable OS keyring: a
// headless Linux without a D-Bus session or without a Secret Service.
var ErrKeyringUnavailable = errors.New("no OS keyring available")

// Keyring reads the password from the OS keyring: Windows Credential
// Manager, the macOS Keychain or a Secret Service (GNOME Keyring, KWallet)
// on Linux. ferry stores it under service "ferry" and the user's identity.
type Keyring struct {
	Service, Account string
	// Store is the keyring; nil means the OS keyring.
	Store KeyringStore
}

// KeyringService is the service name ferry uses in the OS keyring.
const KeyringService = "ferry"

// KeyringStore is the part of an OS keyring ferry uses.
type KeyringStore interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
}

// OSKeyring is the OS keyring through github.com/zalando/go-keyring.
type OSKeyring struct{}

// Get returns the secret stored for service and account, or an error
// wrapping keyring.ErrNotFound when there is none.
func (OSKeyring) Get(service, account string) (string, error) { return keyring.Get(service, account) }

// Set stores secret for service and account, replacing any earlier one.
func (OSKeyring) Set(service, account, secret string) error {
	return keyring.Set(service, account, secret)
}

// NewKeyring returns the keyring source for the identity (DOMAIN\user).
func NewKeyring(identity string) Keyring {
	return Keyring{Service: KeyringService, Account: identity}
}

// String names the keyring entry, never the password.
func (k Keyring) String() string {
	return fmt.Sprintf("the OS keyring (service %q, account %q)", k.Service, k.Account)
}

func (k Keyring) store() KeyringStore {
	if k.Store == nil {
		return OSKeyring{}
	}
	return k.Store
}

// Password reads the entry; its errors say how to store one or which
// source to use instead when the machine has no keyring.
func (k Keyring) Password(context.Context) (string, error) {
	pw, err := k.store().Get(k.Service, k.Account)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "", fmt.Errorf("%s holds no password: store it with `ferry init --store keyring`, or use FERRY_PASSWORD or password_command", k)
	case err != nil:
		return "", k.wrap(err)
	case pw == "":
		return "", fmt.Errorf("%s holds an empty password: store it again with `ferry init --store keyring`", k)
	}
	return pw, nil
}

// Set stores password in the keyring.
func (k Keyring) Set(password string) error {
	if err := k.store().Set(k.Service, k.Account, password); err != nil {
		return k.wrap(err)
	}
	return nil
}

// wrap names the fallbacks when the keyring itself is missing; go-keyring
// has no error value for that, only D-Bus's messages (see NOTES.md).
func (k Keyring) wrap(err error) error {
	s := err.Error()
	if strings.Contains(s, "dbus") || strings.Contains(s, "org.freedesktop.secrets") ||
		strings.Contains(s, "DBUS_SESSION_BUS_ADDRESS") {
		return fmt.Errorf("%s: %w (%v): on a machine without a desktop session use password_command, FERRY_PASSWORD, or the hashes from `ferry hash` (pass_ntlmv2) instead",
			k, ErrKeyringUnavailable, err)
	}
	return fmt.Errorf("%s: %w", k, err)
}

// Check reports whether the keyring answers at all: nil when it does,
// whether or not it holds an entry for k's account, and the error that
// Password would give otherwise (ErrKeyringUnavailable when there is no
// keyring). ferry init calls it before it spends a logon.
func (k Keyring) Check() error {
	_, err := k.store().Get(k.Service, k.Account)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return k.wrap(err)
}
