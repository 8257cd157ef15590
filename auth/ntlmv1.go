package auth

import (
	"crypto/des"
	"crypto/md5"
	"errors"
)

// NTLMv1 and the NTLM2 session response (MS-NLMP 3.3.1), for old parents
// that accept nothing newer. They are weak (DES over the unsalted NT hash:
// a captured exchange can be cracked), so ferry sends them only when the
// config says legacy_ntlm = true, never by default, never as a fallback.

// ntlmFlagESS is NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY: with it the
// response is the NTLM2 session response (NTLMv1 over a hash of both
// challenges) instead of plain NTLMv1.
const ntlmFlagESS = 0x00080000

// desl is DESL (MS-NLMP 6): the 16-byte key zero-padded to 21 bytes, each
// 7-byte third a DES key encrypting data.
func desl(key []byte, data []byte) []byte {
	var k [21]byte
	copy(k[:], key)
	out := make([]byte, 0, 24)
	for i := 0; i < 3; i++ {
		c, _ := des.NewCipher(desKey(k[7*i : 7*i+7])) // 8-byte keys never fail
		var b [8]byte
		c.Encrypt(b[:], data)
		out = append(out, b[:]...)
	}
	return out
}

// ntlmv1Responses computes the LM and NT responses. lmHash may be nil (no
// LM hash: a password over 14 characters, or only pass_nt): the LM
// response then repeats the NT response, as Windows does.
func ntlmv1Responses(flags uint32, ntHash, lmHash []byte, serverChallenge, clientChallenge [8]byte) (lm, nt []byte) {
	if flags&ntlmFlagESS != 0 {
		sum := md5.Sum(append(serverChallenge[:], clientChallenge[:]...))
		lm = append(clientChallenge[:], make([]byte, 16)...)
		return lm, desl(ntHash, sum[:8])
	}
	nt = desl(ntHash, serverChallenge[:])
	if lmHash == nil {
		return nt, nt
	}
	return desl(lmHash, serverChallenge[:]), nt
}

// buildNTLMv1Authenticate answers a challenge with NTLMv1 or the NTLM2
// session response.
func buildNTLMv1Authenticate(c ntlmChallenge, ntHash, lmHash []byte, in ntlmv2Input) ([]byte, error) {
	switch {
	case c.flags&ntlmFlagUnicode == 0:
		return nil, errors.New("challenge does not offer Unicode; ferry speaks only Unicode NTLMSSP")
	case c.flags&ntlmFlagKeyExch != 0:
		return nil, errors.New("challenge asks for session key exchange, which ferry does not do")
	}
	lm, nt := ntlmv1Responses(c.flags, ntHash, lmHash, c.serverChallenge, in.clientChallenge)
	return layoutAuthenticate(c.flags, lm, nt, in)
}
