package doctor

import (
	"strings"
	"testing"
)

func TestPointsAt(t *testing.T) {
	listen := []string{"127.0.0.1:3128"}
	cases := map[string]bool{
		"http://127.0.0.1:3128":          true,
		"http://localhost:3128/":         true,
		"127.0.0.1:3128":                 true,
		"http://[::1]:3128":              true,
		"http://127.0.0.1:8080":          false,
		"http://proxy.corp.example:3128": false,
		"http://user:pw@127.0.0.1:3128":  true,
	}
	for v, want := range cases {
		if got := pointsAt(v, listen); got != want {
			t.Errorf("pointsAt(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestAdviceHidesProxyPasswords: the advice shows a proxy variable that
// points elsewhere, but not the password inside it.
func TestAdviceHidesProxyPasswords(t *testing.T) {
	env := map[string]string{"http_proxy": "http://bob:hunter2@proxy.corp.example:8080"}
	cfg := Config{Getenv: func(k string) string { return env[k] }}
	cfg.Relay.Listen = []string{"127.0.0.1:0"}
	out := strings.Join(advice(cfg, nil, "en"), "\n")
	if strings.Contains(out, "hunter2") || !strings.Contains(out, "proxy.corp.example:8080") {
		t.Errorf("advice:\n%s", out)
	}
}
