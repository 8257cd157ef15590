#!/usr/bin/env bash
# Runs go vet (which type-checks every package and its tests) for every
# release target, so that the Windows- and macOS-only files
# (service/*_windows.go, *_darwin.go, ...) are checked on a Linux machine.
# CROSSCHECK_BUILD=1 also builds ferry for each target; in CI the goreleaser
# snapshot that follows does those builds, so this stays quick.
#
# go vet also compiles a package's
# tests: where the test harness internal/testenv (which drives squid, a KDC
# and Samba) does not build for the target, the packages whose tests use it
# are built but not vetted there, and the script says which.
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
		vet=("${all[@]}")
		if ! go vet ./internal/testenv >/dev/null 2>&1; then
			vet=()
			skipped=()
			for p in "${all[@]}"; do
				# Not grep -q: it would exit at the first match, go list would
				# die of SIGPIPE, and pipefail would turn the match into a miss.
				if go list -deps -test "$p" | grep -x 'github.com/ferryproxy/ferry/internal/testenv' >/dev/null; then
					skipped+=("${p#github.com/ferryproxy/ferry/}")
				else
					vet+=("$p")
				fi
			done
			echo "   internal/testenv does not build for $goos: not vetting the tests of ${skipped[*]}"
		fi
		go vet "${vet[@]}"
	done
done
