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
