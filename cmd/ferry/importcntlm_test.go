package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/ferryproxy/ferry/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files (testdata/cntlm, and packaging/ferry.1)")

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
			out, notes := importCntlm(name, data)
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
			c, err := ParseConfig("out.toml", []byte(out))
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

func TestImportCntlmCommand(t *testing.T) {
	dir := testenv.TempDir(t)
	out := filepath.Join(dir, "ferry.toml")
	src := filepath.Join("testdata", "cntlm", "windows.ini")
	var stdout, stderr bytes.Buffer
	// Flags after the file work too.
	if st := cmdImport(context.Background(), []string{"cntlm", src, "--output", out}, &stdout, &stderr); st != exitOK {
		t.Fatalf("status %d: %s", st, stderr.String())
	}
	info, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 && os.PathSeparator == '/' {
		t.Errorf("mode %v, want 0600: the file holds a password", info.Mode().Perm())
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "not carried over") {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
	if strings.Contains(stderr.String(), "Winter#2026") {
		t.Errorf("the password went to stderr: %s", stderr.String())
	}
	// An existing file is never replaced.
	stderr.Reset()
	if st := cmdImport(context.Background(), []string{"cntlm", "-o", out, src}, &stdout, &stderr); st != exitError || !strings.Contains(stderr.String(), "already exists") {
		t.Errorf("overwrite: status %d, stderr %s", st, stderr.String())
	}
	if st := cmdImport(context.Background(), []string{"cntlm", filepath.Join(dir, "nope.conf")}, &stdout, &stderr); st != exitError {
		t.Errorf("missing file: status %d", st)
	}
}

// FuzzImportCntlm: any input gives TOML that decodes, and whose values are
// the ones cntlm would read (a password with quotes or backslashes survives).
func FuzzImportCntlm(f *testing.F) {
	// Seeds: testdata/fuzz/FuzzImportCntlm, small on purpose (the fuzzer
	// minimizes every new input, which is slow for a 3 KB sample).
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _ := importCntlm("fuzz.conf", data)
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
		if c, err := ParseConfig("fuzz.toml", []byte(out)); err == nil {
			_ = c.Finish(Overrides{Getenv: noEnv, NoSecrets: true})
		}
	})
}

// TestImportHelpNamesEveryKeyItConverts: each cntlm option that
// importCntlm carries over without a note is named in 'ferry import -h'.
func TestImportHelpNamesEveryKeyItConverts(t *testing.T) {
	for _, line := range []string{
		"Username alice", "Domain CORP", "Password pw", "PassLM 1AD35398BE6565DDB5C4EF70C0593492",
		"PassNT " + testPassNT, "PassNTLMv2 " + testPassNTLMv2, "Workstation PC1", "NoProxy localhost",
		"Listen 3128", "Auth NTLMv2", "Gateway yes", "Allow 10.0.0.0/8", "SOCKS5Proxy 1080",
		"Tunnel 2222:git.corp:22", "Header X-Team: build", "ISAScannerAgent Wget/", "Flags 0x06820000",
		"PidFile /run/cntlm.pid", "Uid cntlm", "NTLMToBasic yes",
	} {
		key, _, _ := strings.Cut(line, " ")
		_, notes := importCntlm("cntlm.conf", []byte("Proxy proxy.corp:8080\n"+line+"\n"))
		carried := true
		for _, n := range notes {
			if strings.Contains(n, "not carried over") || strings.Contains(n, "ignored") {
				carried = false
			}
		}
		if carried && !strings.Contains(importUsage, key) {
			t.Errorf("%s is converted but 'ferry import -h' does not name it", key)
		}
	}
}
