package pac

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/neterr"
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
		{"ftp://wpad.corp.example/wpad.dat", `scheme "ftp" is not supported`},
	} {
		_, err := Load(ctx, c.loc, srv.Client())
		if err == nil || !strings.Contains(err.Error(), c.wantInErr) {
			t.Errorf("Load(%q) error = %v, want one containing %q", c.loc, err, c.wantInErr)
		}
	}
	// The OS words these ("no such file", "The system cannot find the file
	// specified"): check the kind, not the text.
	if _, err := Load(ctx, filepath.Join(dir, "nope.pac"), srv.Client()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(a missing file) error = %v, want a not-exist error", err)
	}
	if _, err := Load(ctx, "http://127.0.0.1:1/wpad.dat", srv.Client()); !neterr.IsRefused(err) {
		t.Errorf("Load(a closed port) error = %v, want connection refused", err)
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

// TestFileURLPath: file URLs to local paths on Windows and elsewhere.
// file://C:/dir/proxy.pac once became \\C:\dir\proxy.pac on Windows (the
// drive taken for a UNC host), which does not open.
func TestFileURLPath(t *testing.T) {
	for _, c := range []struct {
		url     string
		windows bool
		want    string
	}{
		{"file:///etc/proxy.pac", false, "/etc/proxy.pac"},
		{"file://localhost/etc/proxy.pac", false, "/etc/proxy.pac"},
		{"file:///C:/dir/proxy.pac", true, `C:\dir\proxy.pac`},
		{"file://C:/dir/proxy.pac", true, `C:\dir\proxy.pac`},
		{"file://c:/dir/proxy.pac", true, `c:\dir\proxy.pac`},
		{"file://localhost/C:/dir/proxy.pac", true, `C:\dir\proxy.pac`},
		{"file://server/share/proxy.pac", true, `\\server\share\proxy.pac`},
		{"file:proxy.pac", true, `proxy.pac`},
	} {
		u, err := url.Parse(c.url)
		if err != nil {
			t.Errorf("url.Parse(%q): %v", c.url, err)
			continue
		}
		if got := fileURLPathFor(u, c.windows); got != c.want {
			t.Errorf("fileURLPathFor(%q, windows=%v) = %q, want %q", c.url, c.windows, got, c.want)
		}
	}
}
