package parent

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestBodyReplaysSmallBody(t *testing.T) {
	b := newBody(strings.NewReader("hello world"), 11)
	r, err := b.reader()
	if err != nil {
		t.Fatal(err)
	}
	first, _ := io.ReadAll(io.LimitReader(r, 5)) // a leg that broke off early
	if string(first) != "hello" {
		t.Fatalf("first read %q", first)
	}
	r, err = b.reader()
	if err != nil {
		t.Fatalf("small body not replayable: %v", err)
	}
	all, _ := io.ReadAll(r)
	if string(all) != "hello world" {
		t.Fatalf("replay gave %q", all)
	}
}

func TestBodyLargeBodyIsNotReplayable(t *testing.T) {
	data := bytes.Repeat([]byte("x"), ReplayLimit+1)
	b := newBody(bytes.NewReader(data), int64(len(data)))
	r, _ := b.reader()
	got, _ := io.ReadAll(r)
	if len(got) != len(data) {
		t.Fatalf("read %d bytes, want %d", len(got), len(data))
	}
	if _, err := b.reader(); !errors.Is(err, errBodyConsumed) {
		t.Fatalf("err = %v, want errBodyConsumed", err)
	}
}

func TestNoBodyIsNil(t *testing.T) {
	if newBody(strings.NewReader(""), 0) != nil {
		t.Fatal("empty body should be nil")
	}
	var b *body
	if !b.replayable() {
		t.Fatal("nil body must be replayable")
	}
}
