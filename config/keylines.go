package config

import (
	"fmt"
	"strings"
)

// KeyLines maps each key path ("auth.user") and table ("auth") to the
// line, counted from 1, that first defines it, so that errors can point at
// the line to fix and ferry password can edit one in place. Each table of
// an array of tables is also recorded by its number, counted from 1
// ("tunnel[2]", "tunnel[2].target"), so that an error about the second
// [[tunnel]] points at it rather than at the first. BurntSushi/toml records
// these positions but does not export them (MetaData.keyInfo).
//
// The scan is deliberately rough: it only runs on files the TOML parser has
// already accepted, and a key it misses falls back to its table's line.
func KeyLines(src string) map[string]int {
	sc := lineScanner{s: src, line: 1, lines: map[string]int{}, arrays: map[string]int{}}
	sc.scan()
	return sc.lines
}

type lineScanner struct {
	s     string
	i     int
	line  int
	table string // current [table] prefix, "" at the top
	// indexed is the current [[table]] with its number ("tunnel[2]"), ""
	// in a plain table; arrays counts each array's tables.
	indexed string
	arrays  map[string]int
	lines   map[string]int
}

func (sc *lineScanner) scan() {
	for sc.i < len(sc.s) {
		switch c := sc.s[sc.i]; c {
		case ' ', '\t', '\r':
			sc.i++
		case '\n':
			sc.line++
			sc.i++
		case '#':
			sc.skipLine()
		case '[':
			sc.i++
			array := sc.i < len(sc.s) && sc.s[sc.i] == '['
			if array { // [[array of tables]]
				sc.i++
			}
			parts, ok := sc.key()
			if ok {
				sc.table, sc.indexed = strings.Join(parts, "."), ""
				sc.record(sc.table)
				if array {
					sc.arrays[sc.table]++
					sc.indexed = fmt.Sprintf("%s[%d]", sc.table, sc.arrays[sc.table])
					sc.record(sc.indexed)
				}
			}
			sc.skipLine()
		default:
			line := sc.line
			parts, ok := sc.key()
			if !ok || sc.i >= len(sc.s) || sc.s[sc.i] != '=' {
				sc.skipLine()
				continue
			}
			sc.i++
			path := strings.Join(parts, ".")
			if sc.table != "" {
				path = sc.table + "." + path
			}
			if _, seen := sc.lines[path]; !seen {
				sc.lines[path] = line
			}
			if sc.indexed != "" {
				sc.lines[sc.indexed+"."+strings.Join(parts, ".")] = line
			}
			sc.value()
		}
	}
}

func (sc *lineScanner) record(path string) {
	if _, seen := sc.lines[path]; !seen {
		sc.lines[path] = sc.line
	}
}

// key reads a dotted key (bare, "basic" or 'literal' parts) and the blanks
// after it.
func (sc *lineScanner) key() ([]string, bool) {
	var parts []string
	for {
		sc.blanks()
		if sc.i >= len(sc.s) {
			return nil, false
		}
		var part string
		switch sc.s[sc.i] {
		case '"':
			end := sc.i + 1
			for end < len(sc.s) && sc.s[end] != '"' && sc.s[end] != '\n' {
				if sc.s[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(sc.s) || sc.s[end] != '"' {
				return nil, false
			}
			part = sc.s[sc.i+1 : end]
			sc.i = end + 1
		case '\'':
			end := strings.IndexAny(sc.s[sc.i+1:], "'\n")
			if end < 0 || sc.s[sc.i+1+end] != '\'' {
				return nil, false
			}
			part = sc.s[sc.i+1 : sc.i+1+end]
			sc.i += end + 2
		default:
			start := sc.i
			for sc.i < len(sc.s) && isBareKeyChar(sc.s[sc.i]) {
				sc.i++
			}
			if sc.i == start {
				return nil, false
			}
			part = sc.s[start:sc.i]
		}
		parts = append(parts, part)
		sc.blanks()
		if sc.i < len(sc.s) && sc.s[sc.i] == '.' {
			sc.i++
			continue
		}
		return parts, true
	}
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (sc *lineScanner) blanks() {
	for sc.i < len(sc.s) && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t') {
		sc.i++
	}
}

// skipLine moves past the next newline.
func (sc *lineScanner) skipLine() {
	for sc.i < len(sc.s) {
		c := sc.s[sc.i]
		sc.i++
		if c == '\n' {
			sc.line++
			return
		}
	}
}

// value skips a value, which may span lines inside brackets, braces and
// multi-line strings, up to and including the newline that ends it.
func (sc *lineScanner) value() {
	depth := 0
	for sc.i < len(sc.s) {
		c := sc.s[sc.i]
		switch {
		case strings.HasPrefix(sc.s[sc.i:], `"""`):
			sc.skipPast(`"""`, 3, true)
		case strings.HasPrefix(sc.s[sc.i:], `'''`):
			sc.skipPast(`'''`, 3, false)
		case c == '"':
			sc.skipPast(`"`, 1, true)
		case c == '\'':
			sc.skipPast(`'`, 1, false)
		case c == '[' || c == '{':
			depth++
			sc.i++
		case c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
			sc.i++
		case c == '#':
			for sc.i < len(sc.s) && sc.s[sc.i] != '\n' {
				sc.i++
			}
		case c == '\n':
			sc.line++
			sc.i++
			if depth == 0 {
				return
			}
		default:
			sc.i++
		}
	}
}

// skipPast moves past the string that opens at sc.i (its delimiter is n
// bytes long) and its closing delimiter, counting the newlines inside.
func (sc *lineScanner) skipPast(delim string, n int, escapes bool) {
	sc.i += n
	for sc.i < len(sc.s) {
		if escapes && sc.s[sc.i] == '\\' {
			sc.i++
			if sc.i < len(sc.s) && sc.s[sc.i] == '\n' {
				sc.line++
			}
			sc.i++
			continue
		}
		if strings.HasPrefix(sc.s[sc.i:], delim) {
			sc.i += n
			return
		}
		if sc.s[sc.i] == '\n' {
			sc.line++
		}
		sc.i++
	}
}

// lineOf returns the line of path, or of its nearest enclosing table when
// the scan did not see the key itself (inline tables); 0 when unknown.
func lineOf(lines map[string]int, path string) int {
	for {
		if n, ok := lines[path]; ok {
			return n
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			return 0
		}
		path = path[:i]
	}
}
