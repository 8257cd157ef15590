package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"time"
	"unicode/utf16"
)

// NTLMv2 as MS-NLMP 3.3.2 defines it, kept apart from go-ntlmssp for two
// reasons: go-ntlmssp hides its primitives (and its random client challenge
// and clock), so tests could not check what ferry puts on the wire against
// the MS-NLMP 4.2 vectors; and it refuses challenges that real parents send,
// see buildNTLMv2Authenticate. The primitives also serve hashes cntlm users
// already have (PassNT, PassNTLMv2).

// NTLMSSP negotiate flags (MS-NLMP 2.2.2.5) that ferry looks at.
const (
	ntlmFlagUnicode    = 0x00000001
	ntlmFlagLMKey      = 0x00000080
	ntlmFlagTargetInfo = 0x00800000
	ntlmFlagVersion    = 0x02000000
	ntlmFlagKeyExch    = 0x40000000
)

// AV pair ids (MS-NLMP 2.2.2.1).
const (
	avEOL       = 0
	avTimestamp = 7
)

var ntlmSignature = []byte("NTLMSSP\x00")

// ntowfv1 is MD4(UNICODE(password)), the NT hash (MS-NLMP 3.3.1).
func ntowfv1(password string) []byte {
	sum := md4(utf16le(password))
	return sum[:]
}

// ntowfv2 is HMAC_MD5(NT hash, UNICODE(Uppercase(user) + domain)); the
// domain keeps its case (MS-NLMP 3.3.2).
func ntowfv2(ntHash []byte, user, domain string) []byte {
	return hmacMD5(ntHash, utf16le(strings.ToUpper(user)+domain))
}

// ntlmv2Blob is the client's "temp" structure that NTProofStr signs:
// 0x0101, reserved, FILETIME, client challenge, reserved, AV pairs, reserved.
func ntlmv2Blob(timestamp []byte, clientChallenge [8]byte, targetInfo []byte) []byte {
	b := make([]byte, 0, 28+len(targetInfo)+4)
	b = append(b, 1, 1, 0, 0, 0, 0, 0, 0)
	b = append(b, timestamp...)
	b = append(b, clientChallenge[:]...)
	b = append(b, 0, 0, 0, 0)
	b = append(b, targetInfo...)
	return append(b, 0, 0, 0, 0)
}

// ntProofStr is HMAC_MD5(NTOWFv2, server challenge + blob); the NTLMv2
// response is NTProofStr followed by the blob.
func ntProofStr(ntowf2, serverChallenge, blob []byte) []byte {
	return hmacMD5(ntowf2, serverChallenge, blob)
}

// lmv2Response is HMAC_MD5(NTOWFv2, server challenge + client challenge)
// followed by the client challenge.
func lmv2Response(ntowf2, serverChallenge []byte, clientChallenge [8]byte) []byte {
	return append(hmacMD5(ntowf2, serverChallenge, clientChallenge[:]), clientChallenge[:]...)
}

// verifyNTLMv2 reports whether ntResponse (NTProofStr + blob) was made with
// ntowf2 for serverChallenge: what a server checks.
func verifyNTLMv2(ntowf2, serverChallenge, ntResponse []byte) bool {
	if len(ntResponse) < 16+28 {
		return false
	}
	return hmac.Equal(ntResponse[:16], ntProofStr(ntowf2, serverChallenge, ntResponse[16:]))
}

// fileTime is t as a Windows FILETIME: 100 ns since 1601-01-01, little endian.
func fileTime(t time.Time) []byte {
	const secondsFrom1601 = 11644473600
	// Not t.UnixNano(): it overflows before 1678, and tests use 1601.
	ft := uint64(t.Unix()+secondsFrom1601)*10_000_000 + uint64(t.Nanosecond()/100)
	return binary.LittleEndian.AppendUint64(nil, ft)
}

// ntlmChallenge is what ferry reads from a CHALLENGE (type 2) message.
type ntlmChallenge struct {
	flags           uint32
	serverChallenge [8]byte
	// targetInfo is the raw AV pair list, nil when the message has none
	// that can be read.
	targetInfo []byte
	// timestamp is the server's MsvAvTimestamp, nil if it sent none.
	timestamp []byte
}

// parseNTLMChallenge reads a type 2 message leniently: only the fixed
// header, flags and server challenge must be sound. The target name is never
// needed, and a target info block that points outside the message is taken
// as absent, the way squid's ntlm_fake_auth writes it.
func parseNTLMChallenge(msg []byte) (ntlmChallenge, error) {
	var c ntlmChallenge
	if len(msg) < 32 || !bytes.Equal(msg[:8], ntlmSignature) {
		return c, errors.New("not an NTLMSSP message")
	}
	if typ := binary.LittleEndian.Uint32(msg[8:]); typ != 2 {
		return c, fmt.Errorf("NTLMSSP message type %d, want 2 (challenge)", typ)
	}
	c.flags = binary.LittleEndian.Uint32(msg[20:])
	copy(c.serverChallenge[:], msg[24:32])
	if len(msg) < 48 {
		return c, nil
	}
	l := int(binary.LittleEndian.Uint16(msg[40:]))
	off := int64(binary.LittleEndian.Uint32(msg[44:]))
	if l == 0 || off < 48 || off+int64(l) > int64(len(msg)) {
		return c, nil
	}
	ti := msg[off : off+int64(l)]
	ts, ok := avTimestampOf(ti)
	if !ok {
		return c, nil
	}
	c.targetInfo, c.timestamp = ti, ts
	return c, nil
}

// avTimestampOf walks an AV pair list; ok is false if it is malformed.
func avTimestampOf(ti []byte) (ts []byte, ok bool) {
	for len(ti) >= 4 {
		id := binary.LittleEndian.Uint16(ti)
		n := int(binary.LittleEndian.Uint16(ti[2:]))
		if id == avEOL {
			return ts, true
		}
		if 4+n > len(ti) {
			return nil, false
		}
		if id == avTimestamp && n == 8 {
			ts = ti[4 : 4+n]
		}
		ti = ti[4+n:]
	}
	return nil, false
}

// ntlmv2Input is what an AUTHENTICATE message is computed from. It takes
// NTOWFv2 rather than a password or NT hash so that cntlm's PassNTLMv2, which
// is exactly that value, can be used as is.
type ntlmv2Input struct {
	ntowf2                    []byte
	user, domain, workstation string
	now                       time.Time
	clientChallenge           [8]byte
}

// buildNTLMv2Authenticate makes an AUTHENTICATE (type 3) message with an
// NTLMv2 response. ferry uses it only for challenges go-ntlmssp refuses:
// go-ntlmssp v0.1.1 validates every field of the challenge, and squid's
// ntlm_fake_auth (and old servers) send a target name whose offset points
// outside the message and no target info at all. NTLMv2 does not need the
// server's target info: the blob then carries only MsvAvEOL, the client's own
// FILETIME stands in for the missing MsvAvTimestamp, and an LMv2 response
// goes along (MS-NLMP 3.1.5.1.2) for servers that check only that.
func buildNTLMv2Authenticate(c ntlmChallenge, in ntlmv2Input) ([]byte, error) {
	switch {
	case c.flags&ntlmFlagUnicode == 0:
		return nil, errors.New("challenge does not offer Unicode; ferry speaks only Unicode NTLMSSP")
	case c.flags&ntlmFlagLMKey != 0:
		return nil, errors.New("challenge asks for the LM session key (NTLMv1); ferry speaks only NTLMv2")
	case c.flags&ntlmFlagKeyExch != 0:
		return nil, errors.New("challenge asks for session key exchange, which ferry does not do")
	}
	ntowf2 := in.ntowf2
	targetInfo := c.targetInfo
	if targetInfo == nil {
		targetInfo = []byte{0, 0, 0, 0} // MsvAvEOL
	}
	ts := c.timestamp
	// MS-NLMP 3.1.5.1.2: with the server's timestamp the LM response is
	// Z(24); without it, LMv2.
	lm := make([]byte, 24)
	if ts == nil {
		ts = fileTime(in.now)
		lm = lmv2Response(ntowf2, c.serverChallenge[:], in.clientChallenge)
	}
	blob := ntlmv2Blob(ts, in.clientChallenge, targetInfo)
	nt := append(ntProofStr(ntowf2, c.serverChallenge[:], blob), blob...)
	return layoutAuthenticate(c.flags, lm, nt, in)
}

// layoutAuthenticate lays out an AUTHENTICATE message (MS-NLMP 2.2.1.3)
// with the responses lm and nt, without MIC, version or session key.
func layoutAuthenticate(flags uint32, lm, nt []byte, in ntlmv2Input) ([]byte, error) {
	fields := [][]byte{lm, nt, utf16le(in.domain), utf16le(in.user), utf16le(in.workstation), nil}
	const headerLen = 64
	msg := make([]byte, headerLen)
	copy(msg, ntlmSignature)
	binary.LittleEndian.PutUint32(msg[8:], 3)
	off := headerLen
	for i, f := range fields {
		if len(f) > 0xffff {
			return nil, errors.New("authenticate message field too long")
		}
		at := 12 + 8*i
		binary.LittleEndian.PutUint16(msg[at:], uint16(len(f)))
		binary.LittleEndian.PutUint16(msg[at+2:], uint16(len(f)))
		binary.LittleEndian.PutUint32(msg[at+4:], uint32(off))
		off += len(f)
	}
	binary.LittleEndian.PutUint32(msg[60:], flags&^ntlmFlagVersion)
	for _, f := range fields {
		msg = append(msg, f...)
	}
	return msg, nil
}

func hmacMD5(key []byte, data ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, d := range data {
		m.Write(d)
	}
	return m.Sum(nil)
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return b
}

// md4 is RFC 1320 MD4, which the NT hash needs and the standard library
// does not carry (golang.org/x/crypto is not among ferry's modules).
func md4(msg []byte) [16]byte {
	a, b, c, d := uint32(0x67452301), uint32(0xefcdab89), uint32(0x98badcfe), uint32(0x10325476)
	n := len(msg)
	padded := append(append([]byte(nil), msg...), 0x80)
	for len(padded)%64 != 56 {
		padded = append(padded, 0)
	}
	padded = binary.LittleEndian.AppendUint64(padded, uint64(n)*8)

	var x [16]uint32
	for len(padded) > 0 {
		for i := range x {
			x[i] = binary.LittleEndian.Uint32(padded[4*i:])
		}
		padded = padded[64:]
		aa, bb, cc, dd := a, b, c, d
		f := func(x, y, z uint32) uint32 { return x&y | ^x&z }
		g := func(x, y, z uint32) uint32 { return x&y | x&z | y&z }
		h := func(x, y, z uint32) uint32 { return x ^ y ^ z }
		for _, i := range [4]int{0, 4, 8, 12} {
			a = bits.RotateLeft32(a+f(b, c, d)+x[i], 3)
			d = bits.RotateLeft32(d+f(a, b, c)+x[i+1], 7)
			c = bits.RotateLeft32(c+f(d, a, b)+x[i+2], 11)
			b = bits.RotateLeft32(b+f(c, d, a)+x[i+3], 19)
		}
		for _, i := range [4]int{0, 1, 2, 3} {
			a = bits.RotateLeft32(a+g(b, c, d)+x[i]+0x5a827999, 3)
			d = bits.RotateLeft32(d+g(a, b, c)+x[i+4]+0x5a827999, 5)
			c = bits.RotateLeft32(c+g(d, a, b)+x[i+8]+0x5a827999, 9)
			b = bits.RotateLeft32(b+g(c, d, a)+x[i+12]+0x5a827999, 13)
		}
		for _, i := range [4]int{0, 2, 1, 3} {
			a = bits.RotateLeft32(a+h(b, c, d)+x[i]+0x6ed9eba1, 3)
			d = bits.RotateLeft32(d+h(a, b, c)+x[i+8]+0x6ed9eba1, 9)
			c = bits.RotateLeft32(c+h(d, a, b)+x[i+4]+0x6ed9eba1, 11)
			b = bits.RotateLeft32(b+h(c, d, a)+x[i+12]+0x6ed9eba1, 15)
		}
		a, b, c, d = a+aa, b+bb, c+cc, d+dd
	}
	var out [16]byte
	binary.LittleEndian.PutUint32(out[0:], a)
	binary.LittleEndian.PutUint32(out[4:], b)
	binary.LittleEndian.PutUint32(out[8:], c)
	binary.LittleEndian.PutUint32(out[12:], d)
	return out
}
