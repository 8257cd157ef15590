package auth

import (
	"errors"

	"github.com/zalando/go-keyring"
)

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
