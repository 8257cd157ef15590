package testenv

import "github.com/zalando/go-keyring"

// Keyring is an OS keyring in memory for tests (a credentials.KeyringStore), or
// one that fails every call with Err, as go-keyring does on a headless
// Linux without a Secret Service.
type Keyring struct {
	M   map[string]string // "service|account" -> password; Set needs it non-nil
	Err error
}

// Get returns the password of service and account, or keyring.ErrNotFound.
func (k *Keyring) Get(service, account string) (string, error) {
	if k.Err != nil {
		return "", k.Err
	}
	if pw, ok := k.M[service+"|"+account]; ok {
		return pw, nil
	}
	return "", keyring.ErrNotFound
}

// Set keeps the password of service and account.
func (k *Keyring) Set(service, account, pw string) error {
	if k.Err != nil {
		return k.Err
	}
	k.M[service+"|"+account] = pw
	return nil
}
