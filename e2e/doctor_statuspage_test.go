package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestStatusPageInChromium loads ferry's status page in a real headless
// browser after a request through a Basic squid: the page loads on its own
// (no external assets) and shows the parent as logged on.
func TestStatusPageInChromium(t *testing.T) {
	testenv.Require(t, "the status page test", "chromium")
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth))
	getEcho(t, proxyClient(t, o, f), o.URL+"/echo", nil)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// --accept-lang=ja: Accept-Language: ja
	cmd := chromium(ctx, t, "ja", "--dump-dom", "http://"+f.Addr+"/")
	start := time.Now()
	out, err := cmd.Output()
	t.Logf("chromium took %v", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	dom := string(out)
	for _, want := range []string{
		`data-parent="` + p.Squid.Addr + `"`,
		`data-auth="ok"`,
		`data-up="true"`,
		`id="version"`,
		`lang="ja"`, // --accept-lang=ja: Accept-Language: ja
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("status page in chromium lacks %s:\n%s", want, dom)
		}
	}
	if strings.Contains(dom, p.Auth.Password) {
		t.Error("status page shows the password")
	}

	// ferry status reads the same state from /status.json.
	status := exec.Command(testenv.BuildFerry(t), "status", "--listen", f.Addr)
	status.Env = cleanCurlEnv()
	sout, err := status.CombinedOutput()
	if err != nil || !strings.Contains(string(sout), "parent "+p.Squid.Addr+": up; scheme Basic; logon ok") {
		t.Errorf("ferry status: %v\n%s", err, sout)
	}
}
