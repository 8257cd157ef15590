package credentials

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/auth"
)

// cntlmVectors are what Debian's cntlm 0.92.3 printed for
// `printf '%s\n' PASSWORD | cntlm -c /dev/null -H -u USER -d DOMAIN`.
var cntlmVectors = []struct {
	user, domain, password string
	want                   CntlmHashes
}{
	{"User", "Domain", "Password", CntlmHashes{
		LM: "1AD35398BE6565DDB5C4EF70C0593492", NT: "5B0B63BF9AEF4235497DB1183CF027AD", NTLMv2: "0C71015B7525950556A51BB9961A9CB4"}},
	{"alice", "CORP", "Secret123", CntlmHashes{
		LM: "72E90B4522E25B6C48A1F372896AB5AF", NT: "9C9B869A0ECABB39AAE2A0248002EC1F", NTLMv2: "2886BEB08FF9695D8708FA0E1CDAFA2E"}},
	{"ferryalice", "corp-uk", "Ntlm-pw 6!", CntlmHashes{
		LM: "F669579F97872E4E944977BF35EA00F9", NT: "88CDA29EDBAA553C97918C5C20C3099E", NTLMv2: "F7365AC6A59AEF047D846B7DBFA0AD29"}},
	// Longer than LM's 14 bytes: LM uses the first 14 only.
	{"Bob.Smith", "Example.COM", "a much longer passphrase, 30+ chars", CntlmHashes{
		LM: "A2D6F5269B103372BE8BE4590FC65E3E", NT: "01C9D66C52FECA5BD05E91B40A0482A1", NTLMv2: "961B02E932EBACFABC42C8780A305CB5"}},
}

func TestHashPasswordMatchesCntlm(t *testing.T) {
	for _, v := range cntlmVectors {
		if got := HashPassword(v.user, v.domain, v.password); got != v.want {
			t.Errorf("HashPassword(%q, %q, ...) = %+v, want cntlm's %+v", v.user, v.domain, got, v.want)
		}
	}
}

func TestHashPasswordWithoutUserHasNoNTLMv2(t *testing.T) {
	h := HashPassword("", "CORP", "Password")
	if h.NTLMv2 != "" || h.NT != cntlmVectors[0].want.NT {
		t.Errorf("HashPassword without user = %+v, want NT only", h)
	}
}

// TestCntlmFormIsComplement ties cntlm's text form to MS-NLMP 4.2.2.1:
// LMOWFv1("Password") = e52cac67419a9a224a3b108f3fa6cb6d, NTOWFv1 =
// a4f49c406510bdcab6824ee7c30fd852, and NTOWFv2 for "User" and the
// upper-cased domain "DOMAIN".
func TestCntlmFormIsComplement(t *testing.T) {
	want := map[string]string{
		"LM": "e52cac67419a9a224a3b108f3fa6cb6d",
		"NT": "a4f49c406510bdcab6824ee7c30fd852",
		"v2": hex.EncodeToString(auth.NTLMv2Key(auth.NTHash("Password"), "User", "DOMAIN")),
	}
	v := cntlmVectors[0].want
	for name, text := range map[string]string{"LM": v.LM, "NT": v.NT, "v2": v.NTLMv2} {
		got, err := ParseCntlmHash(text)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != want[name] {
			t.Errorf("ParseCntlmHash(%s %s) = %x, want %s", name, text, got, want[name])
		}
	}
	if got := auth.LMHash("Password"); hex.EncodeToString(got) != want["LM"] {
		t.Errorf("LMOWFv1 = %x, want %s", got, want["LM"])
	}
}

func TestParseCntlmHash(t *testing.T) {
	got, err := ParseCntlmHash(" " + strings.ToLower(cntlmVectors[0].want.NT) + "\n")
	if err != nil || !bytes.Equal(got, auth.NTHash("Password")) {
		t.Errorf("lower-case hash with spaces: %x, %v", got, err)
	}
	for _, bad := range []string{"", "5B0B", "ZZ0B63BF9AEF4235497DB1183CF027AD", cntlmVectors[0].want.NT + "00"} {
		_, err := ParseCntlmHash(bad)
		if err == nil {
			t.Errorf("ParseCntlmHash(%q) accepted it", bad)
			continue
		}
		if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error %q quotes the value", err)
		}
	}
}
