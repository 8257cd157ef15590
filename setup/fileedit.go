package setup

// In-place edits of the files that keep ferry's secret: ferry.toml keeps
// its comments, order and mode; only the values of the named keys change.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ferryproxy/ferry/config"
)

// editFile rewrites path with edit's result through a temporary file in
// the same directory (a crash leaves the old file whole), with the old
// file's mode: 0600 stays 0600.
func editFile(path string, edit func(string) (string, error)) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	out, err := edit(string(src))
	if err != nil {
		return fmt.Errorf("%s: %w: nothing was stored", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ferry-password-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes it 0600; Chmod gives it the old file's mode.
	if err := tmp.Chmod(info.Mode().Perm()); err != nil && !os.IsPermission(err) {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.WriteString(out); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// keyRE splits a `key = value` line: indentation, key, " = ", the rest.
var keyRE = regexp.MustCompile(`^(\s*)([A-Za-z0-9_.-]+|"[^"]*")(\s*=\s*)(.*)$`)

// setKeys replaces the values of keys (name to TOML value) in table of the
// TOML text src, in place: `password = "old"  # note` under [auth] (or
// auth.password at the top) keeps its indentation and comment. Every key
// must be there once, with a one-line string value.
func setKeys(src, table string, keys map[string]string) (string, error) {
	lines := strings.SplitAfter(src, "\n")
	at := config.KeyLines(src)
	for name, value := range keys {
		k, ok := keyAt(lines, at, table, name)
		if !ok {
			return "", fmt.Errorf("no one-line %s under [%s] to replace", name, table)
		}
		rest, err := afterString(k.value)
		if err != nil {
			return "", fmt.Errorf("line %d: %s: %w", k.i+1, name, err)
		}
		lines[k.i] = k.lead + value + rest + k.eol
	}
	return strings.Join(lines, ""), nil
}

// keyLine is one `key = value` line of a TOML text.
type keyLine struct {
	i      int  // its index in the lines
	dotted bool // written table.name at the top, not under [table]
	indent string
	lead   string // the line up to the value: indentation, key, " = "
	value  string // the value and what follows it
	eol    string
}

// keyAt is the line of lines that sets table.name, found with config's
// scan of the file (at, from config.KeyLines), which follows multi-line
// values and quoted keys.
func keyAt(lines []string, at map[string]int, table, name string) (keyLine, bool) {
	n, ok := at[table+"."+name]
	if !ok || n < 1 || n > len(lines) {
		return keyLine{}, false
	}
	l := lines[n-1]
	body := strings.TrimRight(l, "\r\n")
	m := keyRE.FindStringSubmatch(body)
	if m == nil {
		return keyLine{}, false
	}
	return keyLine{i: n - 1, dotted: strings.Contains(strings.Trim(m[2], `"`), "."), indent: m[1],
		lead: m[1] + m[2] + m[3], value: m[4], eol: l[len(body):]}, true
}

// addKeyAfter inserts line into table of src right after the line that
// sets the key after (under [table], or as table.after at the top, where
// line gets the table's prefix), with its indentation.
func addKeyAfter(src, table, after, line string) (string, error) {
	lines := strings.SplitAfter(src, "\n")
	k, ok := keyAt(lines, config.KeyLines(src), table, after)
	if !ok {
		return "", fmt.Errorf("no %s under [%s] to add %q after", after, table, line)
	}
	if k.dotted {
		line = table + "." + line
	}
	eol := k.eol
	if eol == "" {
		eol = "\n"
		lines[k.i] += eol
	}
	rest := append([]string{k.indent + line + eol}, lines[k.i+1:]...)
	return strings.Join(append(lines[:k.i+1], rest...), ""), nil
}

// afterString is what follows the one-line TOML string at the start of v
// (spaces and a comment), or an error for any other value.
func afterString(v string) (string, error) {
	if strings.HasPrefix(v, `"""`) || strings.HasPrefix(v, "'''") {
		return "", fmt.Errorf("a multi-line string: make it one line, then run ferry password again")
	}
	end := -1
	switch {
	case strings.HasPrefix(v, `"`):
		for i := 1; i < len(v); i++ {
			if v[i] == '\\' {
				i++
				continue
			}
			if v[i] == '"' {
				end = i + 1
				break
			}
		}
	case strings.HasPrefix(v, "'"):
		if i := strings.IndexByte(v[1:], '\''); i >= 0 {
			end = i + 2
		}
	}
	if end < 0 {
		return "", fmt.Errorf("not a one-line string")
	}
	rest := v[end:]
	if t := strings.TrimSpace(rest); t != "" && t[0] != '#' {
		return "", fmt.Errorf("unexpected %q after the value", t)
	}
	return rest, nil
}

// readEnv reads KEY=VALUE lines of an environment file; missing is empty.
func readEnv(path string) map[string]string {
	env := map[string]string{}
	data, err := os.ReadFile(path)
	if err != nil {
		return env
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			env[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return env
}

// setEnv replaces key's line in the systemd EnvironmentFile text src,
// keeping the other lines. systemd reads a double-quoted value with
// backslash escapes (systemd.exec(5), EnvironmentFile=), so the value is
// written that way.
func setEnv(src, key, value string) (string, error) {
	if strings.ContainsAny(value, "\r\n\x00") {
		return "", fmt.Errorf("the password has a line break, which %s cannot hold", key)
	}
	quoted := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(value) + `"`
	lines := strings.SplitAfter(src, "\n")
	found := false
	for i, line := range lines {
		k, _, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.TrimSpace(k) != key {
			continue
		}
		eol := line[len(strings.TrimRight(line, "\r\n")):]
		lines[i] = key + "=" + quoted + eol
		found = true
	}
	if !found {
		return "", fmt.Errorf("no %s line to replace", key)
	}
	return strings.Join(lines, ""), nil
}
