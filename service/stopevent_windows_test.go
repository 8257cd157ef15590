package service

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestStopEventEndsTheRun: RequestStop for a config ends the context of the
// ferry listening for that config, and only that one.
func TestStopEventEndsTheRun(t *testing.T) {
	ctxA, releaseA, err := ListenStop(context.Background(), `C:\ferry-test\a.toml`)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseA()
	ctxB, releaseB, err := ListenStop(context.Background(), `C:\ferry-test\b.toml`)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseB()

	if err := RequestStop(`c:\FERRY-TEST\a.toml`); err != nil {
		t.Fatalf("RequestStop: %v", err)
	}
	select {
	case <-ctxA.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the stop event did not end the run within 10 s")
	}
	if ctxB.Err() != nil {
		t.Error("stopping a.toml's ferry also stopped b.toml's")
	}
	if err := RequestStop(`C:\ferry-test\none.toml`); !errors.Is(err, ErrNoStopEvent) {
		t.Errorf("RequestStop with nobody listening: %v, want ErrNoStopEvent", err)
	}
}
