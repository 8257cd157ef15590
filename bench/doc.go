// Package bench measures ferry side by side with Debian's cntlm and a client
// talking straight to the parent, against the same real squid parents and a
// fast Go origin. It is not part of the unit tests: run it with `make bench`
// (FERRY_BENCH=1 go test -run TestBench -v -timeout 30m ./bench).
package bench
