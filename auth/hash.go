package auth

import (
	"crypto/des"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Password hashes in the form cntlm writes them (PassLM, PassNT, PassNTLMv2
// in cntlm.conf, and `cntlm -H`), so that users keep the hashes they have.
//
// cntlm's text form is not the usual hex of the hash: its printmem and
// scanmem XOR every byte with 7-bitwidth, which is 0xff for the bitwidth 8
// they are called with, so cntlm.conf holds the bitwise complement of the NT
// hash that Samba or Windows tools print. Checked against Debian's cntlm
// 0.92.3: `cntlm -H -u User -d Domain` with password "Password" prints
// PassNT 5B0B63BF..., the complement of MS-NLMP 4.2.2.1.2's a4f49c40...,
// and a cntlm running on those values sends NTLMv2 responses made with
// the uncomplemented key.

// CntlmHashes are the three hashes `cntlm -H` prints, in cntlm's text form.
type CntlmHashes struct {
	LM, NT, NTLMv2 string
}

// HashPassword computes what `cntlm -H -u user -d domain` prints for
// password. NTLMv2 is empty when user is empty: that hash is bound to the
// user and domain (cntlm upper-cases both).
func HashPassword(user, domain, password string) CntlmHashes {
	nt := ntowfv1(password)
	h := CntlmHashes{LM: cntlmText(lmowfv1(password)), NT: cntlmText(nt)}
	if user != "" {
		h.NTLMv2 = cntlmText(cntlmNTLMv2Key(nt, user, domain))
	}
	return h
}

// cntlmNTLMv2Key is NTOWFv2 with the domain upper-cased too, as cntlm
// computes it: HMAC_MD5(NT hash, UNICODE(Uppercase(user + domain))). It equals
// MS-NLMP's NTOWFv2 for the upper-cased domain, which is why NewNTLM sends
// the domain upper-cased when it logs on with such a key.
func cntlmNTLMv2Key(ntHash []byte, user, domain string) []byte {
	return hmacMD5(ntHash, utf16le(strings.ToUpper(user+domain)))
}

// ParseCntlmHash reads a hash in cntlm's text form (32 hex digits, any
// case) and returns the hash itself. Its errors never quote the value.
func ParseCntlmHash(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) != 32 {
		return nil, fmt.Errorf("hash has %d characters, want 32 hex digits as `cntlm -H` or `ferry hash` prints them", len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errors.New("hash is not hexadecimal: want 32 hex digits as `cntlm -H` or `ferry hash` prints them")
	}
	for i := range b {
		b[i] = ^b[i]
	}
	return b, nil
}

// cntlmText is the inverse of ParseCntlmHash.
func cntlmText(hash []byte) string {
	c := make([]byte, len(hash))
	for i, b := range hash {
		c[i] = ^b
	}
	return strings.ToUpper(hex.EncodeToString(c))
}

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
