package setup

import "github.com/zalando/go-keyring"

func noEnv(string) string { return "" }

// fakeKeyring is an OS keyring in memory, or one that fails with err.
type fakeKeyring struct {
	m   map[string]string
	err error
}

func (k *fakeKeyring) Get(s, a string) (string, error) {
	if k.err != nil {
		return "", k.err
	}
	if pw, ok := k.m[s+"|"+a]; ok {
		return pw, nil
	}
	return "", keyring.ErrNotFound
}

func (k *fakeKeyring) Set(s, a, pw string) error {
	if k.err != nil {
		return k.err
	}
	k.m[s+"|"+a] = pw
	return nil
}
