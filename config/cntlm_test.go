package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

var update = flag.Bool("update", false, "rewrite the golden files (testdata/cntlm)")

// TestImportCntlmGolden converts sample cntlm configurations: the TOML and
// the notes must match the golden files, and ferry must accept the TOML
// as it is.
func TestImportCntlmGolden(t *testing.T) {
	for _, name := range []string{"debian.conf", "windows.ini", "minimal.conf"} {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join("testdata", "cntlm", name)
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			out, notes := ImportCntlm(name, data)
			got := out + "\n# notes on stderr:\n# " + strings.Join(notes, "\n# ") + "\n"
			golden := src + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("import of %s:\n%s\nwant:\n%s", name, got, want)
			}
			c, err := Parse("out.toml", []byte(out))
			if err == nil {
				err = c.Finish(Overrides{Getenv: noEnv})
			}
			if err != nil {
				t.Fatalf("ferry refuses the converted config: %v\n%s", err, out)
			}
			if c.Auth.Scheme != "ntlm" || c.Auth.User == "" || len(c.Parents) == 0 {
				t.Errorf("scheme %q user %q parents %v", c.Auth.Scheme, c.Auth.User, c.Parents)
			}
		})
	}
}

// FuzzImportCntlm: any input gives TOML that decodes, and whose values are
// the ones cntlm would read (a password with quotes or backslashes survives).
func FuzzImportCntlm(f *testing.F) {
	// Seeds: testdata/fuzz/FuzzImportCntlm, small on purpose (the fuzzer
	// minimizes every new input, which is slow for a 3 KB sample).
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _ := ImportCntlm("fuzz.conf", data)
		var v map[string]any
		if _, err := toml.Decode(out, &v); err != nil {
			t.Fatalf("output is not TOML: %v\n%s", err, out)
		}
		var pw string
		for _, l := range parseCntlm(data) {
			if strings.EqualFold(l.key, "password") {
				pw = l.value
				break // cntlm reads the first
			}
		}
		a, _ := v["auth"].(map[string]any)
		if got, _ := a["password"].(string); got != strings.ToValidUTF8(pw, "\uFFFD") {
			t.Fatalf("password %q became %q", pw, got)
		}
		// ferry's own parser must not panic on it either.
		if c, err := Parse("fuzz.toml", []byte(out)); err == nil {
			_ = c.Finish(Overrides{Getenv: noEnv, NoSecrets: true})
		}
	})
}
