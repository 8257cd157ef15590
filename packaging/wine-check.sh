#!/usr/bin/env bash
# Runs ferry's Windows build under Wine on Linux (Debian 12's wine64, Wine
# 8.0): every package's Windows test binary, then an end-to-end smoke in
# which the Linux e2e tests drive ferry.exe against the real squids (Basic
# and NTLM, GET and CONNECT), a refused parent, doctor, and a reload by
# rewriting the config. Called from .ci/run; needs wine64 and
# gcc-mingw-w64-x86-64-win32 (installed there) and, for the smoke, the
# peers the e2e tests need.
#
# What Wine does not really run (SSPI, Task Scheduler, the SCM, icacls) is
# skipped by the tests that need it, which say so (FERRY_WINE=1, see
# internal/testenv/wine.go); docs/service.md lists it as not verified on a
# real Windows.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d /tmp/ferry-wine.XXXXXX)"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
# No Mono or Gecko install prompts while the prefix is made.
export WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() {
	wineserver -k >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

step() { printf -- '-- %s\n' "$*"; }
timed() {
	local start=$SECONDS rc=0
	"$@" || rc=$?
	echo "   took $((SECONDS - start))s"
	return $rc
}

step "wine prefix with the bcryptprimitives.dll stub"
prefix() {
	wineboot -i >/dev/null 2>&1
	# Go loads bcryptprimitives.dll from system32 only
	# (LOAD_LIBRARY_SEARCH_SYSTEM32): beside the exe it would be ignored.
	x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
		packaging/wine/bcryptprimitives.c packaging/wine/bcryptprimitives.def -ladvapi32
}
timed prefix

step "build ferry.exe and the Windows test binaries"
build() {
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$work/ferry.exe" ./cmd/ferry
	mkdir -p "$work/tests"
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/tests/" ./...
}
timed build
wine "$work/ferry.exe" version

step "Windows test binaries under wine"
tests() {
	local failed=() pkg dir name
	while read -r pkg dir; do
		name="$(basename "$pkg").test.exe"
		[ -f "$work/tests/$name" ] || continue # a package without tests
		echo "   ${pkg#github.com/ferryproxy/ferry/}"
		# From the package directory: testdata paths are relative. CI=true
		# is not passed on: under Wine the tests needing Linux peers skip
		# (the smoke below covers them), they must not fail.
		if ! (cd "$dir" && env -u CI FERRY_WINE=1 wine "$work/tests/$name" -test.v -test.count=1 -test.timeout=5m >"$work/out" 2>&1); then
			grep -vE '^(=== (RUN|PAUSE|CONT|NAME)|\s*--- (PASS|SKIP))' "$work/out"
			failed+=("$pkg")
		fi
		# What Wine cannot run, said once per reason.
		echo "     $(grep -cE '^\s*--- PASS' "$work/out") passed, $(grep -cE '^\s*--- SKIP' "$work/out") skipped"
		grep -oE 'not under Wine: .*' "$work/out" | sed -E 's/ \(.*//; s/^/       /' | sort | uniq -c | sort -rn | head -4 || true
	done < <(go list -f '{{.ImportPath}} {{.Dir}}' ./...)
	if [ ${#failed[@]} -gt 0 ]; then
		echo "wine-check: Windows tests failed under wine: ${failed[*]}" >&2
		return 1
	fi
}
status=0
timed tests || status=1

step "end to end: the Linux e2e tests drive ferry.exe under wine"
smoke() {
	local run
	for run in '^TestRequestsThroughEachParentKind$/^(basic|ntlm)$' \
		'^(TestRefusedParentIsParentRefused|TestConfigFileChangeReloads|TestDoctorParentFaults|TestParentRefusalReachesTheClient)$'; do
		FERRY_E2E_WINE_EXE="$work/ferry.exe" go test -count=1 -v -run "$run" ./e2e >"$work/e2e" 2>&1 || {
			cat "$work/e2e"
			return 1
		}
		grep -E '^\s{0,4}--- (PASS|SKIP)' "$work/e2e"
		if grep -E -- '--- SKIP' "$work/e2e"; then
			echo "wine-check: an end-to-end test skipped" >&2
			return 1
		fi
	done
}
timed smoke || status=1
exit $status
