package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/internal/testenv"
)

func stdinFile(t *testing.T, content string) *os.File {
	t.Helper()
	path := filepath.Join(testenv.TempDir(t), "stdin")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestHashPrintsCntlmLines(t *testing.T) {
	var out, errb bytes.Buffer
	if st := runHash([]string{"-u", `Domain\User`}, stdinFile(t, "Password\n"), &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	for _, want := range []string{
		`pass_lm = "1AD35398BE6565DDB5C4EF70C0593492"`,
		`pass_nt = "5B0B63BF9AEF4235497DB1183CF027AD"`,
		`pass_ntlmv2 = "0C71015B7525950556A51BB9961A9CB4"  # only for user "User", domain "Domain"`,
	} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String()+errb.String(), "Password\n") {
		t.Error("the password was printed")
	}
	// The output pastes into [auth] as it is.
	src := "parents = [\"p:1\"]\n[auth]\nuser = \"User\"\ndomain = \"Domain\"\n" + out.String()
	c, err := config.Parse("ferry.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Auth.NTHash) != 16 || len(c.Auth.NTLMv2Hash) != 16 {
		t.Errorf("hashes not read back: %x %x", c.Auth.NTHash, c.Auth.NTLMv2Hash)
	}
}

func TestHashRefusesPasswordArgumentAndEmptyInput(t *testing.T) {
	var out, errb bytes.Buffer
	if st := runHash([]string{"hunter2"}, stdinFile(t, ""), &out, &errb); st != exitUsage || strings.Contains(errb.String(), "hunter2\n") {
		t.Errorf("argument: status %d, stderr %q", st, errb.String())
	}
	errb.Reset()
	if st := runHash([]string{"--password-stdin"}, stdinFile(t, ""), &out, &errb); st != exitError {
		t.Errorf("empty stdin: status %d, stderr %q", st, errb.String())
	}
}

var cntlmHashLine = regexp.MustCompile(`(?m)^(PassLM|PassNT|PassNTLMv2)\s+([0-9A-F]{32})`)

// TestHashAgreesWithCntlm runs Debian's cntlm -H next to ferry hash.
func TestHashAgreesWithCntlm(t *testing.T) {
	testenv.Require(t, "Debian's cntlm", "/usr/sbin/cntlm")
	for _, tc := range [][3]string{
		{"alice", "CORP", "Winter2026!"},
		{"j.doe", "emea.corp.example", "with spaces and a very long tail 0123456789"},
	} {
		cmd := exec.Command("/usr/sbin/cntlm", "-c", os.DevNull, "-H", "-u", tc[0], "-d", tc[1])
		cmd.Stdin = strings.NewReader(tc[2] + "\n")
		raw, err := cmd.Output()
		if err != nil {
			t.Fatalf("cntlm -H: %v", err)
		}
		var out, errb bytes.Buffer
		if st := runHash([]string{"-u", tc[0], "-d", tc[1]}, stdinFile(t, tc[2]+"\n"), &out, &errb); st != exitOK {
			t.Fatalf("status %d: %s", st, errb.String())
		}
		keys := map[string]string{"PassLM": "pass_lm", "PassNT": "pass_nt", "PassNTLMv2": "pass_ntlmv2"}
		found := cntlmHashLine.FindAllStringSubmatch(string(raw), -1)
		if len(found) != 3 {
			t.Fatalf("cntlm printed %q", raw)
		}
		for _, m := range found {
			if want := keys[m[1]] + ` = "` + m[2] + `"`; !strings.Contains(out.String(), want) {
				t.Errorf("%s@%s: cntlm says %s, ferry printed:\n%s", tc[0], tc[1], want, out.String())
			}
		}
	}
}

// TestHashAdviceKeepsKeysUnderAuth: the help no longer appends the output
// to ferry.toml (the keys would land in the file's last table, [timeouts]
// in the README's example), and pasting it under [auth] as it says works.
func TestHashAdviceKeepsKeysUnderAuth(t *testing.T) {
	if strings.Contains(hashUsage, ">>") {
		t.Errorf("ferry hash's help appends to a file; the keys would land in its last table:\n%s", hashUsage)
	}
	var out, errb bytes.Buffer
	if st := runHash([]string{"-u", `CORP\alice`}, stdinFile(t, "pw\n"), &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	if !strings.Contains(out.String(), "paste under the [auth] line") {
		t.Errorf("output does not say where the lines go:\n%s", out.String())
	}
	conf := "parents = [\"p:1\"]\n[auth]\n" + out.String() + "\n[timeouts]\nconnect = \"5s\"\n"
	c, err := config.Parse("ferry.toml", []byte(conf))
	if err != nil || len(c.Auth.NTHash) != 16 {
		t.Errorf("pasted under [auth]: %v\n%s", err, conf)
	}
}
