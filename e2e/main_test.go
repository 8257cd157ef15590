package e2e

import (
	"os"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveFerryBuild()
	os.Exit(code)
}
