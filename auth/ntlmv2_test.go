package auth

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"testing"
	"time"
	"unicode/utf16"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMD4RFC1320(t *testing.T) {
	for in, want := range map[string]string{
		"":    "31d6cfe0d16ae931b73c59d7e0c089c0",
		"a":   "bde52cb31de33e46245e05fbdbd6fb24",
		"abc": "a448017aaf21d8525fc10ae87aa6729d",
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890": "e33b4ddc9c38f2199c3e7b164fcc0536",
	} {
		if got := md4([]byte(in)); hex.EncodeToString(got[:]) != want {
			t.Errorf("md4(%q) = %x, want %s", in, got, want)
		}
	}
}

// MS-NLMP 4.2.1 common values.
const (
	vecUser     = "User"
	vecDomain   = "Domain"
	vecPassword = "Password"
)

var (
	vecServerChallenge = [8]byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	vecClientChallenge = [8]byte{0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}
	vecTime0           = time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)
)

// vecChallenge424 is MS-NLMP 4.2.4.3's CHALLENGE_MESSAGE.
const vecChallenge424 = "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c0053006500720076006500720000000000"

// vecTargetInfo424 is its AV pairs: NbDomainName "Domain", NbComputerName "Server", EOL.
const vecTargetInfo424 = "02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000"

func TestNTLMv2MSNLMPVectors(t *testing.T) {
	nt := ntowfv1(vecPassword)
	if want := "a4f49c406510bdcab6824ee7c30fd852"; hex.EncodeToString(nt) != want { // 4.2.2.1.2
		t.Errorf("NTOWFv1 = %x, want %s", nt, want)
	}
	nt2 := ntowfv2(nt, vecUser, vecDomain)
	if want := "0c868a403bfd7a93a3001ef22ef02e3f"; hex.EncodeToString(nt2) != want { // 4.2.4.1.1
		t.Errorf("NTOWFv2 = %x, want %s", nt2, want)
	}
	lm := lmv2Response(nt2, vecServerChallenge[:], vecClientChallenge)
	if want := "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"; hex.EncodeToString(lm) != want { // 4.2.4.2.1
		t.Errorf("LMv2 = %x, want %s", lm, want)
	}
	blob := ntlmv2Blob(fileTime(vecTime0), vecClientChallenge, unhex(t, vecTargetInfo424))
	wantTemp := "0101000000000000" + "0000000000000000" + "aaaaaaaaaaaaaaaa" + "00000000" + vecTargetInfo424 + "00000000"
	if hex.EncodeToString(blob) != wantTemp { // 4.2.4.1.3 temp
		t.Errorf("temp = %x\nwant   %s", blob, wantTemp)
	}
	proof := ntProofStr(nt2, vecServerChallenge[:], blob)
	if want := "68cd0ab851e51c96aabc927bebef6a1c"; hex.EncodeToString(proof) != want { // 4.2.4.2.2
		t.Errorf("NTProofStr = %x, want %s", proof, want)
	}
	resp := append(proof, blob...)
	if !verifyNTLMv2(nt2, vecServerChallenge[:], resp) {
		t.Error("verifyNTLMv2 refuses the MS-NLMP response")
	}
	bad := bytes.Clone(resp)
	bad[len(bad)-5] ^= 1
	if verifyNTLMv2(nt2, vecServerChallenge[:], bad) {
		t.Error("verifyNTLMv2 accepts a changed blob")
	}
	if verifyNTLMv2(ntowfv2(ntowfv1("password"), vecUser, vecDomain), vecServerChallenge[:], resp) {
		t.Error("verifyNTLMv2 accepts the wrong password")
	}
	if verifyNTLMv2(ntowfv2(nt, vecUser, "DOMAIN"), vecServerChallenge[:], resp) {
		t.Error("NTOWFv2 must keep the domain's case")
	}
	if !bytes.Equal(ntowfv2(nt, "user", vecDomain), nt2) {
		t.Error("NTOWFv2 must upper-case the user")
	}
}

func TestParseNTLMChallenge(t *testing.T) {
	c, err := parseNTLMChallenge(unhex(t, vecChallenge424))
	if err != nil {
		t.Fatal(err)
	}
	if c.flags != 0xe28a8233 || c.serverChallenge != vecServerChallenge ||
		hex.EncodeToString(c.targetInfo) != vecTargetInfo424 || c.timestamp != nil {
		t.Errorf("parsed %+v", c)
	}
	for name, msg := range map[string][]byte{
		"empty":         nil,
		"short":         unhex(t, vecChallenge424)[:31],
		"bad signature": append([]byte("NTLMSSQ\x00"), unhex(t, vecChallenge424)[8:]...),
		"type 3":        append(append([]byte("NTLMSSP\x00"), 3, 0, 0, 0), make([]byte, 40)...),
	} {
		if _, err := parseNTLMChallenge(msg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestBuildNTLMv2AuthenticateReproducesMSNLMP(t *testing.T) {
	c, err := parseNTLMChallenge(unhex(t, vecChallenge424))
	if err != nil {
		t.Fatal(err)
	}
	in := ntlmv2Input{
		ntowf2: ntowfv2(ntowfv1(vecPassword), vecUser, vecDomain), user: vecUser, domain: vecDomain, workstation: "COMPUTER",
		now: vecTime0, clientChallenge: vecClientChallenge,
	}
	if _, err := buildNTLMv2Authenticate(c, in); err == nil {
		t.Error("4.2.4's challenge asks for key exchange; want an error")
	}
	c.flags &^= ntlmFlagKeyExch
	msg, err := buildNTLMv2Authenticate(c, in)
	if err != nil {
		t.Fatal(err)
	}
	a := mustParseAuthenticate(t, msg)
	if a.user != vecUser || a.domain != vecDomain || a.workstation != "COMPUTER" {
		t.Errorf("names %q %q %q", a.user, a.domain, a.workstation)
	}
	if got := hex.EncodeToString(a.nt[:16]); got != "68cd0ab851e51c96aabc927bebef6a1c" {
		t.Errorf("NTProofStr on the wire = %s", got)
	}
	if got := hex.EncodeToString(a.lm); got != "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa" {
		t.Errorf("LMv2 on the wire = %s", got)
	}
	if a.flags&ntlmFlagVersion != 0 || a.flags&ntlmFlagUnicode == 0 {
		t.Errorf("flags %#x", a.flags)
	}
}

func TestBuildNTLMv2AuthenticateRefusesV1(t *testing.T) {
	in := ntlmv2Input{ntowf2: ntowfv2(ntowfv1("pw"), "u", ""), user: "u"}
	for name, flags := range map[string]uint32{
		"no unicode": 0x00000200,
		"lm key":     ntlmFlagUnicode | ntlmFlagLMKey,
	} {
		if _, err := buildNTLMv2Authenticate(ntlmChallenge{flags: flags}, in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// authenticateMessage is a decoded AUTHENTICATE message, as a server sees it.
type authenticateMessage struct {
	lm, nt                    []byte
	domain, user, workstation string
	flags                     uint32
}

func parseAuthenticate(msg []byte) (authenticateMessage, error) {
	var a authenticateMessage
	if len(msg) < 64 || !bytes.Equal(msg[:8], ntlmSignature) || binary.LittleEndian.Uint32(msg[8:]) != 3 {
		return a, errors.New("not an AUTHENTICATE message")
	}
	field := func(at int) ([]byte, error) {
		l := int(binary.LittleEndian.Uint16(msg[at:]))
		off := int(binary.LittleEndian.Uint32(msg[at+4:]))
		if off < 0 || off+l > len(msg) {
			return nil, errors.New("field outside the message")
		}
		return msg[off : off+l], nil
	}
	str := func(b []byte) string {
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(b[2*i:])
		}
		return string(utf16.Decode(u))
	}
	var fs [5][]byte
	for i := range fs {
		f, err := field(12 + 8*i)
		if err != nil {
			return a, err
		}
		fs[i] = f
	}
	a.lm, a.nt = fs[0], fs[1]
	a.domain, a.user, a.workstation = str(fs[2]), str(fs[3]), str(fs[4])
	a.flags = binary.LittleEndian.Uint32(msg[60:])
	return a, nil
}

func mustParseAuthenticate(t testing.TB, msg []byte) authenticateMessage {
	t.Helper()
	a, err := parseAuthenticate(msg)
	if err != nil {
		t.Fatalf("%v: %x", err, msg)
	}
	return a
}

// makeChallenge builds a CHALLENGE message with target info, as Samba and
// Windows send it.
func makeChallenge(flags uint32, server [8]byte, targetInfo []byte) []byte {
	msg := make([]byte, 48)
	copy(msg, ntlmSignature)
	binary.LittleEndian.PutUint32(msg[8:], 2)
	binary.LittleEndian.PutUint32(msg[16:], 48) // empty target name
	binary.LittleEndian.PutUint32(msg[20:], flags)
	copy(msg[24:], server[:])
	binary.LittleEndian.PutUint16(msg[40:], uint16(len(targetInfo)))
	binary.LittleEndian.PutUint16(msg[42:], uint16(len(targetInfo)))
	binary.LittleEndian.PutUint32(msg[44:], 48)
	return append(msg, targetInfo...)
}

// avPairs encodes AV pairs (id, value, id, value...) and the closing EOL.
func avPairs(pairs ...any) []byte {
	var b []byte
	for i := 0; i+1 < len(pairs); i += 2 {
		v := pairs[i+1].([]byte)
		b = binary.LittleEndian.AppendUint16(b, uint16(pairs[i].(int)))
		b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
		b = append(b, v...)
	}
	return append(b, 0, 0, 0, 0)
}
