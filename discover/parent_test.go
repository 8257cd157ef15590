package discover

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

func TestParentAddr(t *testing.T) {
	for in, want := range map[string]string{
		"http://proxy.corp:8080":      "proxy.corp:8080",
		"http://u:p@proxy.corp:3128/": "proxy.corp:3128",
		"proxy.corp:8080":             "proxy.corp:8080",
		"proxy.corp":                  "proxy.corp:8080",
		"http://[fd00::1]:8080":       "[fd00::1]:8080",
		"http://127.0.0.1:3128":       "", // ferry or cntlm itself
		"http://localhost:3128":       "",
		"":                            "",
		"http://proxy.corp:99999":     "",
		"https://secure-proxy.corp":   "secure-proxy.corp:443",
	} {
		if got := parentAddr(in); got != want {
			t.Errorf("parentAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParentFromOSSettings: ferry init proposes the first proxy that the
// OS settings name, as ferry run's discovery reads them, skipping loopback.
func TestParentFromOSSettings(t *testing.T) {
	scutil := `<dictionary> {
  ExceptionsList : <array> {
    0 : *.local
  }
  HTTPEnable : 1
  HTTPPort : 8080
  HTTPProxy : proxy.corp.example
  HTTPSEnable : 0
}`
	gnome := func(mode string) []byte {
		return []byte("org.gnome.system.proxy mode " + mode + "\norg.gnome.system.proxy.http host 'proxy.corp'\norg.gnome.system.proxy.http port 3128\n")
	}
	for _, tt := range []struct {
		name string
		s    Settings
		want string
	}{
		{"windows plain", internetSettings("", 1, "proxy.corp:8080", ""), "proxy.corp:8080"},
		{"windows per protocol", internetSettings("", 1, "ftp=f:21;http=h.corp:8080;https=s.corp:8443", ""), "h.corp:8080"},
		{"windows off", internetSettings("", 0, "proxy.corp:8080", ""), ""},
		{"scutil", parseScutil([]byte(scutil)), "proxy.corp.example:8080"},
		{"gsettings", parseGsettings(gnome("'manual'")), "proxy.corp:3128"},
		{"gsettings mode none", parseGsettings(gnome("'none'")), ""},
		{"loopback skipped", Settings{Proxies: []string{"127.0.0.1:3128", "proxy.corp:8080"}}, "proxy.corp:8080"},
	} {
		if got := firstParent(tt.s); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParentPrefersEnvironment(t *testing.T) {
	env := map[string]string{"http_proxy": "http://127.0.0.1:3128", "HTTPS_PROXY": "http://proxy.corp:8080"}
	ran := false
	addr, from := Parent(context.Background(), Options{
		Getenv: func(k string) string { return env[k] },
		Run: func(context.Context, string, ...string) ([]byte, error) {
			ran = true
			return nil, errors.New("not here")
		},
	})
	if addr != "proxy.corp:8080" || from != "HTTPS_PROXY" || ran {
		t.Errorf("got %q from %q (OS asked: %v)", addr, from, ran)
	}
}

func TestParentFallsBackToTheOS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the injected command output is GNOME's; other OSes read their own source")
	}
	addr, from := Parent(context.Background(), Options{
		Getenv: func(string) string { return "" },
		Run: func(context.Context, string, ...string) ([]byte, error) {
			return []byte("org.gnome.system.proxy mode 'manual'\norg.gnome.system.proxy.http host 'proxy.corp'\norg.gnome.system.proxy.http port 3128\n"), nil
		},
	})
	if addr != "proxy.corp:3128" || from != "GNOME gsettings" {
		t.Errorf("got %q from %q", addr, from)
	}
}
