package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/service"
)

// startParent is a FakeParent that wants alice and s3cret (no squid on
// Windows).
func startParent(t *testing.T) string {
	return testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Password = "s3cret" }).Addr
}

// TestServiceRunDrainsOnStopEvent: what the logon task runs stops with a
// drain and exit status 0 when 'ferry service stop' sets its stop event.
// Detached from the console it gets no Ctrl-C, and schtasks /End kills it.
func TestServiceRunDrainsOnStopEvent(t *testing.T) {
	defer slog.SetDefault(slog.Default())
	cfgPath := filepath.Join(testenv.TempDir(t), "ferry.toml")
	src := "listen = [\"127.0.0.1:0\"]\nparents = [\"" + startParent(t) + "\"]\n[auth]\nscheme = \"basic\"\nuser = \"alice\"\n"
	if err := os.WriteFile(cfgPath, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FERRY_PASSWORD", "s3cret")

	pr, pw := io.Pipe()
	status := make(chan int, 1)
	go func() {
		// No --log-file: the test keeps its console and reads the log.
		status <- runContext(context.Background(), []string{"service", "run", "--config", cfgPath, "-v"}, io.Discard, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var logs strings.Builder
	for !listeningLine.MatchString(logs.String()) && lines.Scan() {
		logs.WriteString(lines.Text() + "\n")
	}
	if !listeningLine.MatchString(logs.String()) {
		t.Fatalf("no listening line in:\n%s", logs.String())
	}
	rest := make(chan string)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()

	if err := service.RequestStop(cfgPath); err != nil {
		t.Fatalf("RequestStop: %v", err)
	}
	select {
	case s := <-status:
		if s != exitOK {
			t.Errorf("service run exited %d after the stop event, want 0", s)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("service run did not stop within 30 s of the stop event")
	}
	if log := <-rest; !strings.Contains(log, "draining") || !strings.Contains(log, "ferry stopped") {
		t.Errorf("no drain in the log after the stop event:\n%s", log)
	}
}
