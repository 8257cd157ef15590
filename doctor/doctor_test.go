package doctor

import (
	"context"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay"
)

// TestConnectFaultIsTheRelaysClassification: a parent that refuses the
// connection gets the verdict and the words the relay's dial classifier
// gives an error page, not doctor's own.
func TestConnectFaultIsTheRelaysClassification(t *testing.T) {
	addr := testenv.FreeAddr(t)
	res := Run(context.Background(), Config{Relay: relay.Config{Parents: []string{addr}}}, nil)
	if res.Verdict != msg.ParentRefused {
		t.Fatalf("verdict %s, want %s (evidence %q)", res.Verdict, msg.ParentRefused, res.Evidence)
	}
	if want := "parent proxy " + addr + " refused the connection"; !strings.HasPrefix(res.Evidence, want) {
		t.Fatalf("evidence %q, want the relay's %q", res.Evidence, want)
	}
}
