package auth

import (
	"crypto/des"
	"strings"
)

// The one-way functions that turn a password into the keys NTLM signs
// with (MS-NLMP 3.3). They are exported for package credentials, which
// writes and reads them in cntlm's text form (pass_lm, pass_nt,
// pass_ntlmv2); the NTLM scheme itself computes them from Config.Password.

// NTHash is NTOWFv1, MD4(UNICODE(password)): the NT hash that
// Config.NTHash holds.
func NTHash(password string) []byte { return ntowfv1(password) }

// LMHash is LMOWFv1, the LM hash that Config.LMHash holds; see lmowfv1.
func LMHash(password string) []byte { return lmowfv1(password) }

// NTLMv2Key is NTOWFv2 for user and domain (MS-NLMP 3.3.2): the user
// upper-cased, the domain as given. Config.NTLMv2Hash holds it.
func NTLMv2Key(ntHash []byte, user, domain string) []byte { return ntowfv2(ntHash, user, domain) }

// lmowfv1 is the LM hash (MS-NLMP 3.3.1): the password upper-cased,
// truncated or zero-padded to 14 bytes, each half a DES key that encrypts
// "KGS!@#$%". Like cntlm it takes the password's bytes and upper-cases
// ASCII only; LM is for legacy parents and is never sent by default.
func lmowfv1(password string) []byte {
	var p [14]byte
	copy(p[:], strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, password))
	out := make([]byte, 0, 16)
	for _, half := range [][]byte{p[:7], p[7:]} {
		c, _ := des.NewCipher(desKey(half)) // an 8-byte key never fails
		var blk [8]byte
		c.Encrypt(blk[:], []byte("KGS!@#$%"))
		out = append(out, blk[:]...)
	}
	return out
}

// desKey spreads 7 bytes over the 7 high bits of 8 (the parity bits, which
// crypto/des ignores, stay zero).
func desKey(k []byte) []byte {
	return []byte{
		k[0],
		k[0]<<7 | k[1]>>1,
		k[1]<<6 | k[2]>>2,
		k[2]<<5 | k[3]>>3,
		k[3]<<4 | k[4]>>4,
		k[4]<<3 | k[5]>>5,
		k[5]<<2 | k[6]>>6,
		k[6] << 1,
	}
}
