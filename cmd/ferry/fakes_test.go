package main

import "github.com/zalando/go-keyring"

// The cntlm -H values for User, Domain and "Password" (auth/hash_test.go),
// as config's tests use them.
const (
	testPassNT     = "5B0B63BF9AEF4235497DB1183CF027AD"
	testPassNTLMv2 = "0C71015B7525950556A51BB9961A9CB4"
)

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
