package pac

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decode turns a PAC file's bytes into text. WPAD servers in the wild serve
// UTF-8, UTF-16 written by Windows editors (with a byte-order mark), and
// Windows-1252 from old tooling; none of them say so reliably in
// Content-Type, so the bytes decide.
func decode(b []byte) (string, error) {
	switch {
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		b = b[3:]
		if !utf8.Valid(b) {
			return "", fmt.Errorf("pac file starts with a UTF-8 byte-order mark but is not valid UTF-8; save it again as UTF-8")
		}
		return string(b), nil
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return decodeUTF16(b[2:], false)
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return decodeUTF16(b[2:], true)
	case utf8.Valid(b):
		return string(b), nil
	default:
		return decodeWindows1252(b), nil
	}
}

func decodeUTF16(b []byte, bigEndian bool) (string, error) {
	if len(b)%2 != 0 {
		return "", fmt.Errorf("pac file is UTF-16 (byte-order mark) but has an odd number of bytes (%d); it is truncated or not UTF-16", len(b)+2)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u)), nil
}

// cp1252 maps bytes 0x80..0x9F; the rest of Windows-1252 equals Latin-1.
// The five undefined bytes map to the C1 controls of the same value, as the
// WHATWG Encoding Standard does.
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

func decodeWindows1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xA0:
			sb.WriteRune(cp1252[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}
