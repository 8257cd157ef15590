package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden file packaging/ferry.1")

func TestImportCntlmCommand(t *testing.T) {
	dir := testenv.TempDir(t)
	out := filepath.Join(dir, "ferry.toml")
	src := filepath.Join("..", "..", "config", "testdata", "cntlm", "windows.ini")
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

// TestImportHelpNamesEveryKeyItConverts: each cntlm option that
// config.ImportCntlm carries over without a note is named in 'ferry import -h'.
func TestImportHelpNamesEveryKeyItConverts(t *testing.T) {
	for _, line := range []string{
		"Username alice", "Domain CORP", "Password pw", "PassLM 1AD35398BE6565DDB5C4EF70C0593492",
		"PassNT " + testPassNT, "PassNTLMv2 " + testPassNTLMv2, "Workstation PC1", "NoProxy localhost",
		"Listen 3128", "Auth NTLMv2", "Gateway yes", "Allow 10.0.0.0/8", "SOCKS5Proxy 1080",
		"Tunnel 2222:git.corp:22", "Header X-Team: build", "ISAScannerAgent Wget/", "Flags 0x06820000",
		"PidFile /run/cntlm.pid", "Uid cntlm", "NTLMToBasic yes",
	} {
		key, _, _ := strings.Cut(line, " ")
		_, notes := config.ImportCntlm("cntlm.conf", []byte("Proxy proxy.corp:8080\n"+line+"\n"))
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
