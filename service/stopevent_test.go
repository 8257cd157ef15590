package service

import (
	"strings"
	"testing"
)

func TestStopEventNameIsPerConfigAndSession(t *testing.T) {
	a, b := StopEventName("a.toml"), StopEventName("b.toml")
	if a == b {
		t.Errorf("two configs share the stop event %s", a)
	}
	if !strings.HasPrefix(a, `Local\ferry-stop-`) {
		t.Errorf("%s is not a per-session (Local\\) name", a)
	}
	if StopEventName("a.toml") != a {
		t.Error("the name is not stable")
	}
}
