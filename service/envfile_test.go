package service

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestReadEnvFile: comments, blank lines, quotes and a missing file, as
// systemd's EnvironmentFile reads them for simple values.
func TestReadEnvFile(t *testing.T) {
	path := filepath.Join(testenv.TempDir(t), "ferry.env")
	const text = "# a comment\n; another\n\nFERRY_PASSWORD=\"s3 cret\"\n  HTTP_PROXY = 'x' \nNOEQUALS\nEMPTY=\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := ReadEnvFile(path)
	want := map[string]string{"FERRY_PASSWORD": "s3 cret", "HTTP_PROXY": "x", "EMPTY": ""}
	if len(env) != len(want) {
		t.Errorf("got %q, want %q", env, want)
	}
	for k, v := range want {
		if got, ok := env[k]; !ok || got != v {
			t.Errorf("%s = %q (present %v), want %q", k, got, ok, v)
		}
	}
	if env := ReadEnvFile(filepath.Join(testenv.TempDir(t), "missing.env")); len(env) != 0 {
		t.Errorf("a missing file gave %q, want nothing", env)
	}
}
