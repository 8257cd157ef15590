package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestPACEvalAndCheck(t *testing.T) {
	f := filepath.Join(testenv.TempDir(t), "proxy.pac")
	src := `function FindProxyForURL(url, host) {
		if (shExpMatch(host, "*.corp.example")) return "DIRECT";
		return "PROXY proxy.corp.example:8080; DIRECT";
	}`
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	status, out, errOut := runArgs(t, "pac", "eval", "--pac", f, "http://git.corp.example/x", "https://github.com/")
	if status != 0 || out != "http://git.corp.example/x\tDIRECT\nhttps://github.com/\tPROXY proxy.corp.example:8080; DIRECT\n" {
		t.Fatalf("status %d\n%s%s", status, out, errOut)
	}
	status, out, _ = runArgs(t, "pac", "check", f)
	if status != 0 || !strings.Contains(out, "functions used: shExpMatch") {
		t.Fatalf("check: %d %q", status, out)
	}
	bad := filepath.Join(testenv.TempDir(t), "bad.pac")
	_ = os.WriteFile(bad, []byte("function FindProxyForURL(url, host) {\n return \"DIRECT\"\n}}\n"), 0o644)
	if status, _, errOut := runArgs(t, "pac", "check", bad); status != 1 || !strings.Contains(errOut, "bad.pac") {
		t.Fatalf("broken PAC: %d %q", status, errOut)
	}
}

// TestPACEvalTakesTheFileLikeCheck: `pac eval FILE URL...` as `pac check
// FILE`, --pac still works, and with no PAC at all the message says how to
// name one instead of complaining about a missing config file.
func TestPACEvalTakesTheFileLikeCheck(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", testenv.TempDir(t))
	f := filepath.Join(testenv.TempDir(t), "proxy.pac")
	if err := os.WriteFile(f, []byte(`function FindProxyForURL(url, host) { return "PROXY p.corp.example:8080"; }`), 0o644); err != nil {
		t.Fatal(err)
	}
	const want = "https://github.com/\tPROXY p.corp.example:8080\n"
	for _, args := range [][]string{
		{"pac", "eval", f, "https://github.com/"},
		{"pac", "eval", "--pac", f, "https://github.com/"},
	} {
		if status, out, errOut := runArgs(t, args...); status != 0 || out != want {
			t.Errorf("%q: status %d stdout %q stderr %q", args, status, out, errOut)
		}
	}
	status, _, errOut := runArgs(t, "pac", "eval", "https://github.com/")
	if status != 1 || !strings.Contains(errOut, "no PAC to evaluate: name it first (ferry pac eval FILE|URL URL...)") ||
		!strings.Contains(errOut, "'ferry init' writes one") || strings.Contains(errOut, "does not exist") {
		t.Errorf("no PAC: status %d stderr %q", status, errOut)
	}
}
