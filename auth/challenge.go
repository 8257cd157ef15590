package auth

import (
	"sort"
	"strings"
)

// ParseChallenges parses Proxy-Authenticate header values. One value may hold
// several challenges separated by commas (RFC 9110 section 11.6.1), each a
// scheme followed by either a token68 or a comma-separated list of
// auth-params, so a comma is ambiguous until the next item is read: an item
// of the form `name = value` continues the current challenge's params, any
// other item starts a new challenge. Pieces that do not parse are skipped;
// the parser never panics on garbage.
func ParseChallenges(values []string) []Challenge {
	var out []Challenge
	for _, v := range values {
		p := challengeParser{s: v}
		out = p.parse(out)
	}
	return out
}

// canonicalScheme maps scheme names case-insensitively (RFC 9110 section
// 11.1) to the names ferry compares against.
func canonicalScheme(s string) string {
	for _, known := range []string{SchemeNegotiate, SchemeNTLM, SchemeDigest, SchemeBasic} {
		if strings.EqualFold(s, known) {
			return known
		}
	}
	return s
}

// String renders the challenge for logs: the scheme and its params, never the
// token (an NTLM type-2 or Negotiate blob says nothing useful to a reader).
func (c Challenge) String() string {
	var b strings.Builder
	b.WriteString(c.Scheme)
	keys := make([]string, 0, len(c.Params))
	for k := range c.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(quoteString(c.Params[k]))
	}
	return b.String()
}

// quoteString renders v as an RFC 9110 quoted-string.
func quoteString(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

type challengeParser struct {
	s string
	i int
}

func (p *challengeParser) parse(out []Challenge) []Challenge {
	for {
		p.skipListSeparators()
		if p.i >= len(p.s) {
			return out
		}
		scheme := p.token()
		if scheme == "" {
			p.skipItem()
			continue
		}
		if p.peekParam(p.i) {
			// "name=value" with no challenge before it: a stray param.
			p.skipItem()
			continue
		}
		c := Challenge{Scheme: canonicalScheme(scheme)}
		p.skipSpace()
		if tok, ok := p.token68(); ok {
			c.Token = tok
		} else {
			p.params(&c)
		}
		out = append(out, c)
	}
}

// params reads auth-params into c until an item that is not a param.
func (p *challengeParser) params(c *Challenge) {
	for {
		p.skipListSeparators()
		if p.i >= len(p.s) {
			return
		}
		start := p.i
		name := p.token()
		if name == "" || !p.peekParam(p.i) {
			// The next challenge begins here (or garbage: the caller skips it).
			p.i = start
			return
		}
		p.skipSpace()
		p.i++ // '='
		p.skipSpace()
		var value string
		var ok bool
		if p.i < len(p.s) && p.s[p.i] == '"' {
			value, ok = p.quoted()
		} else {
			value = p.token()
			ok = value != ""
		}
		if !ok || !p.atItemEnd() {
			p.skipItem()
			continue
		}
		key := strings.ToLower(name)
		if c.Params == nil {
			c.Params = make(map[string]string)
		}
		// RFC 9110 11.2: each parameter name occurs once; keep the first.
		if _, dup := c.Params[key]; !dup {
			c.Params[key] = value
		}
	}
}

// peekParam reports whether the text at i, after optional whitespace, is
// '=' followed by something other than '=', ',' or the end: the rest of an
// auth-param rather than a token68's padding.
func (p *challengeParser) peekParam(i int) bool {
	for i < len(p.s) && isSpace(p.s[i]) {
		i++
	}
	if i >= len(p.s) || p.s[i] != '=' {
		return false
	}
	i++
	for i < len(p.s) && isSpace(p.s[i]) {
		i++
	}
	return i < len(p.s) && p.s[i] != '=' && p.s[i] != ','
}

// token68 reads a token68 if the current item is exactly one.
func (p *challengeParser) token68() (string, bool) {
	start := p.i
	j := p.i
	for j < len(p.s) && isToken68(p.s[j]) {
		j++
	}
	if j == start {
		return "", false
	}
	for j < len(p.s) && p.s[j] == '=' {
		j++
	}
	save := p.i
	p.i = j
	if !p.atItemEnd() {
		p.i = save
		return "", false
	}
	return p.s[start:j], true
}

// quoted reads a quoted-string with backslash escapes; an unterminated one
// does not parse.
func (p *challengeParser) quoted() (string, bool) {
	p.i++ // opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		ch := p.s[p.i]
		switch {
		case ch == '"':
			p.i++
			return b.String(), true
		case ch == '\\' && p.i+1 < len(p.s):
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		default:
			b.WriteByte(ch)
			p.i++
		}
	}
	return "", false
}

func (p *challengeParser) token() string {
	start := p.i
	for p.i < len(p.s) && isTchar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// atItemEnd skips whitespace and reports whether the item ends here.
func (p *challengeParser) atItemEnd() bool {
	p.skipSpace()
	return p.i >= len(p.s) || p.s[p.i] == ','
}

// skipItem moves past the rest of a malformed item, to the next comma that
// is not inside a quoted-string. It always advances at least one byte.
func (p *challengeParser) skipItem() {
	if p.i < len(p.s) && p.s[p.i] != ',' {
		p.i++
	}
	inQuote := false
	for p.i < len(p.s) {
		ch := p.s[p.i]
		switch {
		case inQuote && ch == '\\':
			p.i++
		case ch == '"':
			inQuote = !inQuote
		case ch == ',' && !inQuote:
			return
		}
		p.i++
	}
}

func (p *challengeParser) skipSpace() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func (p *challengeParser) skipListSeparators() {
	for p.i < len(p.s) && (isSpace(p.s[p.i]) || p.s[p.i] == ',') {
		p.i++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// isTchar is RFC 9110 5.6.2's tchar.
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isToken68 is RFC 9110 11.2's token68 alphabet, without the '=' padding.
func isToken68(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", c) >= 0
}
