package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRemoveTreeRemovesNestedEntries(t *testing.T) {
	dir := filepath.Join(TempDir(t), "tree")
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"f", "a/g", "a/b/h"} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f)), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeTree(dir); err != nil {
		t.Fatalf("removeTree: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("after removeTree, Stat(%s) = %v, want not-exist", dir, err)
	}
}

func TestTempDirIsGoneAfterCleanup(t *testing.T) {
	var dir string
	t.Run("inner", func(t *testing.T) {
		dir = TempDir(t)
		if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("after the subtest, Stat(%s) = %v, want not-exist", dir, err)
	}
}
