package service

import (
	"fmt"
	"os"
	"testing"
)

// TestParseTaskQuery: only a row naming the task means installed; an
// empty answer with exit status 0 (as Wine's schtasks gives) does not.
func TestParseTaskQuery(t *testing.T) {
	for _, c := range []struct {
		out       string
		installed bool
		state     string
	}{
		{`"\ferry","N/A","Running"` + "\r\n", true, "Running"},
		{`"\ferry","N/A","Bereit"`, true, "Bereit"},
		{"", false, ""},
		{`"\other","N/A","Ready"`, false, ""},
		{"INFO: no tasks", false, ""},
	} {
		installed, state := parseTaskQuery(c.out)
		if installed != c.installed || state != c.state {
			t.Errorf("parseTaskQuery(%q) = %v, %q; want %v, %q", c.out, installed, state, c.installed, c.state)
		}
	}
}

// TestAdminHintOnlyForAccessDenied: "(run as administrator)" was added to
// every failure of --system, whatever its cause.
func TestAdminHintOnlyForAccessDenied(t *testing.T) {
	if h := adminHint(fmt.Errorf("create: %w", os.ErrPermission)); h != " (run as administrator)" {
		t.Errorf("access denied: hint %q", h)
	}
	if h := adminHint(fmt.Errorf("create: the service already exists")); h != "" {
		t.Errorf("another failure: hint %q, want none", h)
	}
}
