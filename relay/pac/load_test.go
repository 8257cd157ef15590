package pac

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestLoad(t *testing.T) {
	dir := testenv.TempDir(t)
	path := filepath.Join(dir, "proxy.pac")
	if err := os.WriteFile(path, []byte(directPAC), 0o600); err != nil {
		t.Fatal(err)
	}
	var gotAccept string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/wpad.dat":
			gotAccept = r.Header.Get("Accept")
			w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
			w.Write([]byte(directPAC))
		case "/huge.pac":
			w.Write([]byte(strings.Repeat("/", MaxSize+1)))
		case "/empty.pac":
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	ctx := context.Background()
	for _, loc := range []string{path, "file://" + filepath.ToSlash(path), srv.URL + "/wpad.dat"} {
		b, err := Load(ctx, loc, srv.Client())
		if err != nil || string(b) != directPAC {
			t.Errorf("Load(%q) = %q, %v", loc, b, err)
		}
	}
	if !strings.Contains(gotAccept, "application/x-ns-proxy-autoconfig") {
		t.Errorf("Accept = %q", gotAccept)
	}
	// A nil client connects directly, whatever HTTP_PROXY says.
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	if _, err := Load(ctx, srv.URL+"/wpad.dat", nil); err != nil {
		t.Errorf("nil client: %v", err)
	}

	for _, c := range []struct{ loc, wantInErr string }{
		{srv.URL + "/missing.pac", "404 Not Found"},
		{srv.URL + "/huge.pac", "larger than 4 MiB"},
		{srv.URL + "/empty.pac", "is empty"},
		{filepath.Join(dir, "nope.pac"), "no such file"},
		{"ftp://wpad.corp.example/wpad.dat", `scheme "ftp" is not supported`},
		{"http://127.0.0.1:1/wpad.dat", "connection refused"},
	} {
		_, err := Load(ctx, c.loc, srv.Client())
		if err == nil || !strings.Contains(err.Error(), c.wantInErr) {
			t.Errorf("Load(%q) error = %v, want one containing %q", c.loc, err, c.wantInErr)
		}
	}
}

func TestLoadHonoursContext(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-block
	}))
	defer srv.Close()
	defer close(block)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, srv.URL+"/wpad.dat", srv.Client()); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err = %v, want context canceled", err)
	}
}
