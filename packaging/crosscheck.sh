#!/usr/bin/env bash
# Runs go vet (which type-checks every package and its tests) for every
# release target, so that the Windows- and macOS-only files
# (service/*_windows.go, *_darwin.go, ...) are checked on a Linux machine.
# CROSSCHECK_BUILD=1 also builds ferry for each target; in CI the goreleaser
# snapshot that follows does those builds, so this stays quick.
#
# go vet also compiles each package's tests, so the tests must build for
# every target too (packaging/wine-check.sh runs the Windows ones).
set -euo pipefail
cd "$(dirname "$0")/.."
export CGO_ENABLED=0
mapfile -t all < <(go list ./...)
for goos in linux darwin windows; do
	for goarch in amd64 arm64; do
		export GOOS=$goos GOARCH=$goarch
		echo "-- $goos/$goarch"
		if [ "${CROSSCHECK_BUILD:-}" = 1 ]; then
			go build -o /dev/null ./cmd/ferry
		fi
		go vet "${all[@]}"
	done
done
