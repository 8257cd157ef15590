package main

import (
	"io"
	"runtime"
	"testing"
)

func TestLimitProcsHalvesUnlessGOMAXPROCSIsSet(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	logger := newLogger(io.Discard, false)

	t.Setenv("GOMAXPROCS", "")
	want := max(1, goProcs/2)
	for range 2 { // a reload or a second serve must not halve it again
		limitProcs(logger)
		if got := runtime.GOMAXPROCS(0); got != want {
			t.Fatalf("GOMAXPROCS %d, want %d (half of %d)", got, want, goProcs)
		}
	}

	t.Setenv("GOMAXPROCS", "3")
	runtime.GOMAXPROCS(3)
	limitProcs(logger)
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Fatalf("GOMAXPROCS %d, want the 3 the environment asked for", got)
	}
}
