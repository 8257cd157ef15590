# Developer shortcuts; CI runs .ci/run, which calls the same test command.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(shell git rev-parse --short HEAD 2>/dev/null) -X main.date=$(shell date -u +%Y-%m-%dT%H:%M:%SZ)

.PHONY: build test lint fuzz bench soak install uninstall
build:
	go build -ldflags '$(LDFLAGS)' -o ferry ./cmd/ferry

# From a clone: the binary and the manual page where a package puts them,
# under PREFIX (/usr/local, or ~/.local without root: man-db finds
# ~/.local/share/man through ~/.local/bin in PATH). DESTDIR for staging.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
install:
	go build -ldflags '$(LDFLAGS)' -o '$(DESTDIR)$(BINDIR)/ferry' ./cmd/ferry
	install -d '$(DESTDIR)$(MANDIR)/man1'
	install -m 644 packaging/ferry.1 '$(DESTDIR)$(MANDIR)/man1/ferry.1'

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/ferry' '$(DESTDIR)$(MANDIR)/man1/ferry.1'

test:
	go test -race -count=1 -timeout 30m ./...

lint:
	test -z "$$(gofmt -l .)"
	go vet ./...
	staticcheck ./...

# Each fuzz target for FUZZTIME (default 30s), on Go 1.27.3 whose fuzz
# coordinator no longer fails a run that ends by time (see .ci/run).
FUZZTIME ?= 30s
FUZZGO ?= go1.27.3
fuzz:
	@for spec in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs grep -h -o '^func Fuzz[A-Za-z0-9_]*' | sort -u | sed 's/func //'); do \
		pkg=$$(dirname $$(grep -rl --include='*_test.go' "^func $$spec(" . | head -1)); \
		echo "== $$spec in $$pkg"; GOTOOLCHAIN=$(FUZZGO) go test -run XXX -fuzz "^$$spec$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

# Side by side with Debian's cntlm and a direct connection (needs squid, cntlm,
# winbind; run as root). FERRY_BENCH_SECONDS sets each measurement's length.
bench:
	FERRY_BENCH=1 FERRY_BENCH_OUT=$(CURDIR)/bench/results go test -count=1 -run TestBench -v -timeout 30m ./bench

# A local release snapshot in dist/: archives for linux, darwin and windows
# on amd64 and arm64, checksums, .deb, .rpm, and the Homebrew, Scoop and
# winget manifests (never published). Needs goreleaser v2:
#   go install github.com/goreleaser/goreleaser/v2@v2.15.1
.PHONY: dist
dist:
	FERRY_COMMIT=$$(git rev-parse --short HEAD 2>/dev/null) goreleaser release --snapshot --clean --skip=publish --config packaging/goreleaser.yaml

# Mixed load for FERRY_SOAK_SECONDS (default 600): memory, goroutines and
# open files must stay flat.
soak:
	FERRY_SOAK=1 go test -count=1 -run TestSoak -v -timeout 60m ./bench
