package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/internal/msg"
)

// docsText reads README.md and every docs/*.md, by file name.
func docsText(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join("..", "..")
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range append(files, filepath.Join(root, "README.md")) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		out[filepath.ToSlash(rel)] = string(b)
	}
	return out
}

// TestDocsDescribeEveryVerdict keeps docs/doctor.md honest: every verdict
// (cause) in the message catalogue has a row there, in backticks.
func TestDocsDescribeEveryVerdict(t *testing.T) {
	doc := docsText(t)["docs/doctor.md"]
	if verdictRow("no_such_verdict").MatchString(doc) {
		t.Fatal("the verdict row pattern matches a verdict that does not exist")
	}
	for _, v := range causes() {
		if !verdictRow(v).MatchString(doc) {
			t.Errorf("docs/doctor.md does not describe verdict %q (internal/msg: Verdicts, or a .cause in en.json): add a row \"| `%s` | what it means and what fixes it |\" to its verdict table", v, v)
		}
	}
}

// TestDocsNameEveryConfigKey keeps the docs honest about the config: every
// key of the key table (config.Keys) is named in README.md or
// docs/, either by its path (`auth.user`) or as a line of a TOML example
// under its [table].
func TestDocsNameEveryConfigKey(t *testing.T) {
	docs := docsText(t)
	if keyDocumented(docs, "auth.no_such_key") || !keyDocumented(docs, "timeouts.tunnel_idle") {
		t.Fatal("keyDocumented cannot tell a documented key from an undocumented one")
	}
	for _, key := range config.Keys() {
		if !keyDocumented(docs, key) {
			t.Errorf("config key %q is in no doc: name it as `%s` in README.md's key table or in the docs/*.md page of its topic", key, key)
		}
	}
}

// causes are the verdicts, and every cause the catalogue explains (a key
// NAME.cause), whether doctor or an error page uses it.
func causes() []string {
	out := slices.Clone(msg.Verdicts)
	for _, k := range msg.Keys(msg.Default) {
		if c, ok := strings.CutSuffix(k, ".cause"); ok && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// verdictRow matches the row of verdict v in a Markdown table.
func verdictRow(v string) *regexp.Regexp {
	return regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(v) + "` \\|")
}

func keyDocumented(docs map[string]string, path string) bool {
	table, name, found := strings.Cut(path, ".")
	if !found {
		table, name = "", path
	}
	line := regexp.MustCompile(`(?m)^\s*#?\s*` + regexp.QuoteMeta(name) + `\s*=`)
	for _, text := range docs {
		if strings.Contains(text, "`"+path+"`") || strings.Contains(text, "`"+path+" ") {
			return true
		}
		for _, block := range tomlBlocks(text) {
			if current := tableAt(block, line); current == table {
				return true
			}
		}
	}
	return false
}

// tomlBlocks returns the ```toml fenced blocks of a Markdown text.
func tomlBlocks(text string) []string {
	var out []string
	for _, part := range strings.Split(text, "```toml\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		out = append(out, block)
	}
	return out
}

// tableAt is the [table] above the first line matching key in block ("" for
// the top level), or "-" when no line matches.
func tableAt(block string, key *regexp.Regexp) string {
	loc := key.FindStringIndex(block)
	if loc == nil {
		return "-"
	}
	headers := regexp.MustCompile(`(?m)^\s*\[\[?([a-z_]+)\]\]?`).FindAllStringSubmatchIndex(block[:loc[0]], -1)
	if len(headers) == 0 {
		return ""
	}
	last := headers[len(headers)-1]
	return block[last[2]:last[3]]
}
