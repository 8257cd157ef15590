package service

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestWaitRelay: start reports success only once the relay's status page
// answers (it once said "started" whatever happened next).
func TestWaitRelay(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ferry is running")
	}))
	defer srv.Close()
	if err := WaitRelay(context.Background(), srv.Listener.Addr().String(), 10*time.Second); err != nil {
		t.Errorf("a relay that answers: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	if err := WaitRelay(context.Background(), closed, 500*time.Millisecond); err == nil {
		t.Error("nothing listening: WaitRelay returned nil")
	}
}
