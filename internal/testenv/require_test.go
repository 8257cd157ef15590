package testenv

import (
	"os"
	"testing"
)

func TestRequireSkipsOnMissingBinary(t *testing.T) {
	if os.Getenv("CI") == "true" {
		t.Skip("under CI=true Require fails instead; not testable from inside")
	}
	skipped := false
	t.Run("inner", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Require(t, "a test", "no-such-binary-ferry-xyz")
	})
	if !skipped {
		t.Error("Require did not skip for a missing binary")
	}
	t.Run("present", func(t *testing.T) {
		Require(t, "a test", "sh", "/")
	})
}
