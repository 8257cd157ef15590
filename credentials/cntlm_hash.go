package credentials

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/ferryproxy/ferry/auth"
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
	nt := auth.NTHash(password)
	h := CntlmHashes{LM: cntlmText(auth.LMHash(password)), NT: cntlmText(nt)}
	if user != "" {
		h.NTLMv2 = cntlmText(cntlmNTLMv2Key(nt, user, domain))
	}
	return h
}

// cntlmNTLMv2Key is NTOWFv2 with the domain upper-cased too, as cntlm
// computes it: HMAC_MD5(NT hash, UNICODE(Uppercase(user + domain))). It equals
// MS-NLMP's NTOWFv2 for the upper-cased domain, which is why auth.NewNTLM
// sends the domain upper-cased when it logs on with such a key.
func cntlmNTLMv2Key(ntHash []byte, user, domain string) []byte {
	return auth.NTLMv2Key(ntHash, user, strings.ToUpper(domain))
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
