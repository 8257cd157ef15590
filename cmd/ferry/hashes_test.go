package main

// The cntlm -H values for User, Domain and "Password" (credentials/cntlm_hash_test.go),
// as config's tests use them.
const (
	testPassNT     = "5B0B63BF9AEF4235497DB1183CF027AD"
	testPassNTLMv2 = "0C71015B7525950556A51BB9961A9CB4"
)
