package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/relay/report"
)

// TestPrintStatusSaysEachParentState: 'ferry status' says up, down (since,
// cause, next try), resting and not tried yet, and reads an older ferry's
// report (no state, only down_until).
func TestPrintStatusSaysEachParentState(t *testing.T) {
	since := time.Date(2026, 1, 2, 9, 0, 0, 0, time.Local)
	next := since.Add(4 * time.Second)
	st := &report.Status{Parents: []report.ParentStatus{
		{Addr: "a:1", State: report.ParentUp, Up: true, Auth: "ok", IdleConnections: 3, SpareConnections: 2, SparesUsed: 17},
		{Addr: "b:2", State: report.ParentDown, DownSince: &since, NextTry: &next, DownUntil: &next, DownCause: "parent_timeout", LastError: "silent"},
		{Addr: "c:3", State: report.ParentResting, Up: true, Auth: "resting"},
		{Addr: "d:4", State: report.ParentUntried},
		{Addr: "e:5", DownUntil: &next},
	}}
	var b bytes.Buffer
	printStatus(&b, st)
	for _, want := range []string{
		"parent a:1: up;",
		"parent a:1: up; scheme -; logon ok; 3 idle connections, 2 spare (17 used);",
		"parent b:2: down since 09:00:00 (parent_timeout); next try at 09:00:04;",
		"parent c:3: up, credentials resting;",
		"parent d:4: not tried yet;",
		"parent e:5: down until 09:00:04;",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("ferry status lacks %q:\n%s", want, b.String())
		}
	}
}
