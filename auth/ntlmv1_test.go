package auth

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// TestNTLMv1MSNLMPVectors checks MS-NLMP 4.2.2.2 (NTLMv1) and 4.2.3.2
// (NTLMv1 with extended session security, the NTLM2 session response).
func TestNTLMv1MSNLMPVectors(t *testing.T) {
	nt, lmh := ntowfv1(vecPassword), lmowfv1(vecPassword)
	lm, ntr := ntlmv1Responses(0, nt, lmh, vecServerChallenge, vecClientChallenge)
	if got, want := hex.EncodeToString(ntr), "67c43011f30298a2ad35ece64f16331c44bdbed927841f94"; got != want { // 4.2.2.2.1
		t.Errorf("NTLMv1 response %s, want %s", got, want)
	}
	if got, want := hex.EncodeToString(lm), "98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13"; got != want { // 4.2.2.2.2
		t.Errorf("LMv1 response %s, want %s", got, want)
	}
	lm, ntr = ntlmv1Responses(ntlmFlagESS, nt, lmh, vecServerChallenge, vecClientChallenge)
	if got, want := hex.EncodeToString(ntr), "7537f803ae367128ca458204bde7caf81e97ed2683267232"; got != want { // 4.2.3.2.2
		t.Errorf("NTLM2 session response %s, want %s", got, want)
	}
	if got, want := hex.EncodeToString(lm), "aaaaaaaaaaaaaaaa00000000000000000000000000000000"; got != want { // 4.2.3.2.1
		t.Errorf("its LM response %s, want %s", got, want)
	}
	// Without an LM hash the NT response stands in for it.
	lm, ntr = ntlmv1Responses(0, nt, nil, vecServerChallenge, vecClientChallenge)
	if !bytes.Equal(lm, ntr) {
		t.Errorf("LM response %x, want the NT response", lm)
	}
}

func TestNTLMLegacyOnlyWhenAsked(t *testing.T) {
	challenge := makeChallenge(ntlmFlagsSamba, vecServerChallenge, avPairs(2, utf16le("Domain"), 7, fileTime(vecTime0)))
	answer := func(cfg Config) authenticateMessage {
		t.Helper()
		s := newTestNTLM(t, cfg)
		s.clientChallenge = func() [8]byte { return vecClientChallenge }
		sess, _ := s.NewSession("proxy")
		if _, err := sess.Step(Target{Proxy: "proxy"}, nil); err != nil {
			t.Fatal(err)
		}
		st, err := sess.Step(Target{Proxy: "proxy"}, ntlmChallengeFor(challenge))
		if err != nil {
			t.Fatal(err)
		}
		return mustParseAuthenticate(t, ntlmToken(t, st.Header))
	}
	if a := answer(Config{User: `Domain\User`, Password: vecPassword}); len(a.nt) == 24 {
		t.Error("NTLMv1 sent without legacy_ntlm")
	}
	a := answer(Config{User: `Domain\User`, NTHash: ntowfv1(vecPassword), LegacyNTLM: true})
	if got := hex.EncodeToString(a.nt); got != "7537f803ae367128ca458204bde7caf81e97ed2683267232" {
		t.Errorf("legacy answer to an ESS challenge: %s", got)
	}
	if _, err := NewNTLM(Config{User: "u", NTLMv2Hash: make([]byte, 16), LegacyNTLM: true}); err == nil || !strings.Contains(err.Error(), "pass_nt") {
		t.Errorf("legacy with an NTLMv2 key only: %v", err)
	}
}
