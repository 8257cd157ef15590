package main

import (
	"fmt"
	"io"
	"runtime"
)

// Set at build time with -ldflags "-X main.version=1.2.3 -X main.commit=abc123
// -X main.date=2026-01-02T03:04:05Z". -X can only set package variables,
// which is why these are not constants.
var (
	version = "dev"
	commit  = "dev"
	date    = "dev"
)

func printVersion(w io.Writer) {
	fmt.Fprintf(w, "ferry %s (commit %s, built %s) %s %s/%s\n",
		version, commit, date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
