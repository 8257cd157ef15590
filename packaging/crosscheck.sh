#!/usr/bin/env bash
# Cross-compiles ferry and runs go vet for every release target, so that the
# Windows- and macOS-only files (service/*_windows.go, *_darwin.go) are
# checked on a Linux machine. Run by .ci/run; quick once the build cache is
# warm (a few seconds per target).
set -euo pipefail
cd "$(dirname "$0")/.."
for goos in linux darwin windows; do
	for goarch in amd64 arm64; do
		echo "-- $goos/$goarch"
		CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -o /dev/null ./cmd/ferry
		CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go vet ./...
	done
done
