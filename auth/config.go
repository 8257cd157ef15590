package auth

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"time"
)

// Config says which credentials ferry holds and which scheme to use.
type Config struct {
	// Scheme is "auto" (or empty), "negotiate", "ntlm", "digest", "basic" or "none".
	Scheme      string
	User        string // alice, DOMAIN\alice or alice@REALM
	Domain      string
	Password    string
	Realm       string // Kerberos realm; default: Domain upper-cased
	Keytab      string // Kerberos keytab file
	Workstation string
	// NTHash, when set, stands in for Password for NTLM (16 bytes).
	NTHash []byte
	// NTLMv2Hash, when set and neither Password nor NTHash is, is the
	// NTLMv2 key (cntlm's PassNTLMv2, see credentials.ParseCntlmHash):
	// NTOWFv2 for User and the upper-cased Domain, so it works only for
	// those two.
	NTLMv2Hash []byte
	// LegacyNTLM makes NTLM answer with NTLMv1 (or the NTLM2 session
	// response when the parent offers it) instead of NTLMv2, for old
	// parents only. It needs Password or NTHash.
	LegacyNTLM bool
	// LMHash is the LM hash (cntlm's PassLM) for LegacyNTLM's LM response;
	// nil means it comes from Password, or the NT response stands in.
	LMHash []byte
	// Krb5Conf is the krb5.conf path; empty means $KRB5_CONFIG or /etc/krb5.conf.
	Krb5Conf string
	// CCache is the Kerberos ticket cache; empty means $KRB5CCNAME or the default FILE cache.
	CCache string
	// LockoutCooldown is how long rejected credentials rest before ferry tries
	// them again at the same parent. Zero means 10 minutes.
	LockoutCooldown time.Duration
}

// DefaultLockoutCooldown is used when Config.LockoutCooldown is zero.
const DefaultLockoutCooldown = 10 * time.Minute

// SplitUser separates a user given as DOMAIN\user or user@REALM; domain is
// used when the name carries none.
func SplitUser(user, domain string) (name, dom string) {
	if i := strings.IndexByte(user, '\\'); i >= 0 {
		return user[i+1:], user[:i]
	}
	if i := strings.LastIndexByte(user, '@'); i >= 0 {
		return user[:i], user[i+1:]
	}
	return user, domain
}

// Identity names the credentials for logs and the Guard, never the secret.
func (c Config) Identity() string {
	name, dom := SplitUser(c.User, c.Domain)
	if dom == "" {
		return name
	}
	return dom + `\` + name
}

func (c Config) normalScheme() (string, error) {
	s := strings.ToLower(strings.TrimSpace(c.Scheme))
	switch s {
	case "", "auto":
		return "auto", nil
	case "negotiate", "kerberos":
		return SchemeNegotiate, nil
	case "ntlm":
		return SchemeNTLM, nil
	case "digest":
		return SchemeDigest, nil
	case "basic":
		return SchemeBasic, nil
	case "none":
		return "none", nil
	}
	return "", fmt.Errorf("auth scheme %q is not known: use auto, negotiate, ntlm, digest, basic or none", c.Scheme)
}

// secretMaterial joins everything that makes these credentials succeed or
// fail at a logon: a change of any of it (a new password from the file,
// FERRY_PASSWORD, the keyring or password_command, new hashes, a new keytab)
// makes other credentials, which the Guard lets ferry try at once. The
// scheme is not part of it: the same wrong password fails with any scheme.
func (c Config) secretMaterial() []byte {
	var keytab []byte
	if c.Keytab != "" {
		if data, err := os.ReadFile(c.Keytab); err == nil {
			sum := sha256.Sum256(data)
			keytab = sum[:]
		} else {
			keytab = []byte(c.Keytab)
		}
	}
	var b []byte
	for _, f := range [][]byte{[]byte(c.Identity()), []byte(c.Realm), []byte(c.Password),
		c.NTHash, c.NTLMv2Hash, c.LMHash, keytab} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}
