package testenv

import (
	"encoding/base64"
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

// fakeNTLMChallenge builds a well-formed NTLM type 2 message to stand in for
// ntlm_fake_auth's own. squid 5.7's fake helper leaves the target name's
// offset uninitialised (go-ntlmssp: "varField extends beyond buffer") and
// sends no target info, so a strict NTLMv2 client cannot answer it. The fake
// helper never checks the type 3 against its challenge, so any challenge
// does; this one carries a target info block like Active Directory's.
func fakeNTLMChallenge(t testing.TB) string {
	t.Helper()
	const (
		flagUnicode        = 0x00000001
		flagRequestTarget  = 0x00000004
		flagNTLM           = 0x00000200
		flagAlwaysSign     = 0x00008000
		flagTargetDomain   = 0x00010000
		flagExtendedSecure = 0x00080000
		flagTargetInfo     = 0x00800000
		flagVersion        = 0x02000000
		headerLen          = 56
	)
	utf16le := func(s string) []byte {
		u := utf16.Encode([]rune(s))
		b := make([]byte, 2*len(u))
		for i, r := range u {
			binary.LittleEndian.PutUint16(b[2*i:], r)
		}
		return b
	}
	av := func(id uint16, value []byte) []byte {
		b := binary.LittleEndian.AppendUint16(nil, id)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(value)))
		return append(b, value...)
	}
	target := utf16le("CORP")
	var info []byte
	info = append(info, av(2, utf16le("CORP"))...)            // MsvAvNbDomainName
	info = append(info, av(1, utf16le("SQUID"))...)           // MsvAvNbComputerName
	info = append(info, av(4, utf16le("corp.test"))...)       // MsvAvDnsDomainName
	info = append(info, av(3, utf16le("squid.corp.test"))...) // MsvAvDnsComputerName
	info = append(info, av(0, nil)...)                        // MsvAvEOL

	m := make([]byte, headerLen, headerLen+len(target)+len(info))
	copy(m, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(m[8:], 2)
	binary.LittleEndian.PutUint16(m[12:], uint16(len(target)))
	binary.LittleEndian.PutUint16(m[14:], uint16(len(target)))
	binary.LittleEndian.PutUint32(m[16:], headerLen)
	binary.LittleEndian.PutUint32(m[20:], flagUnicode|flagRequestTarget|flagNTLM|flagAlwaysSign|
		flagTargetDomain|flagExtendedSecure|flagTargetInfo|flagVersion)
	copy(m[24:32], randomHex(t, 4)) // server challenge: 8 bytes
	binary.LittleEndian.PutUint16(m[40:], uint16(len(info)))
	binary.LittleEndian.PutUint16(m[42:], uint16(len(info)))
	binary.LittleEndian.PutUint32(m[44:], uint32(headerLen+len(target)))
	copy(m[48:56], []byte{10, 0, 0x61, 0x4a, 0, 0, 0, 15}) // version 10.0.19041, NTLM revision 15
	m = append(m, target...)
	m = append(m, info...)
	return base64.StdEncoding.EncodeToString(m)
}
