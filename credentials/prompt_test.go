package credentials

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestReadPasswordFromPipe(t *testing.T) {
	path := filepath.Join(testenv.TempDir(t), "in")
	if err := os.WriteFile(path, []byte("pipe pw\r\nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	pw, err := ReadPassword(f, &out, "Password: ")
	if pw != "pipe pw" || err != nil || out.Len() != 0 {
		t.Errorf("got %q, %v, prompt %q", pw, err, out.String())
	}
	if _, err := ReadPasswordLine(strings.NewReader("\n")); err == nil {
		t.Error("empty line accepted")
	}
	if _, err := (Prompt{In: f, Out: &out}).Password(context.Background()); err == nil {
		t.Error("--prompt without a terminal accepted")
	}
}
