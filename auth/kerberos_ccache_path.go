package auth

import (
	"errors"
	"os"
)

// CCachePath returns the ticket cache file that Negotiate reads now for the
// configured cache (empty: KRB5CCNAME, else the default), so that a start
// log can say where a Kerberos identity would come from; err says why no
// cache can be read (a KCM: or KEYRING: cache, or none by default).
func CCachePath(configured string) (string, error) {
	l := resolveCCache(configured, os.Getenv, os.Getuid())
	if l.note != "" {
		return "", errors.New(l.note)
	}
	return l.path(), nil
}
