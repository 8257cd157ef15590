package pac

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"
)

// MaxSize is the largest PAC file Load accepts. Real ones are a few hundred
// KiB at most; the limit keeps a broken or hostile server from filling memory.
const MaxSize = 4 << 20

// Load fetches a PAC file from an http: or https: URL, a file: URL or a plain
// path. HTTP goes through client, which the caller must build without
// ferry as its proxy (a PAC fetched through the proxy it configures can
// never load); nil means a client that connects directly with a 30 s
// timeout, ignoring HTTP_PROXY.
func Load(ctx context.Context, location string, client *http.Client) ([]byte, error) {
	u, err := url.Parse(location)
	// "C:\pac\proxy.pac" parses with scheme "c".
	if err != nil || len(u.Scheme) <= 1 {
		return loadFile(location)
	}
	switch strings.ToLower(u.Scheme) {
	case "file":
		return loadFile(fileURLPath(u))
	case "http", "https":
		return loadHTTP(ctx, location, client)
	}
	return nil, fmt.Errorf("pac location %q: scheme %q is not supported; use http:, https:, file: or a path", location, u.Scheme)
}

// fileURLPath turns file:///etc/proxy.pac, file:///C:/pac/proxy.pac and
// file://server/share/proxy.pac (a Windows UNC path) into local paths.
func fileURLPath(u *url.URL) string {
	return fileURLPathFor(u, runtime.GOOS == "windows")
}

// fileURLPathFor is fileURLPath for Windows or not, so that both are tested
// on every OS.
func fileURLPathFor(u *url.URL, windows bool) string {
	p := u.Path
	if u.Opaque != "" { // file:proxy.pac
		p = u.Opaque
	}
	if !windows {
		return p
	}
	p = strings.ReplaceAll(p, "/", `\`)
	switch {
	case isDrive(u.Host):
		// file://C:/pac/proxy.pac: not RFC 8089's form (that is
		// file:///C:/...), but what people write and Windows' own
		// browsers accept. Taken as a UNC host it opened \\C:\pac\proxy.pac.
		return u.Host + p
	case u.Host != "" && u.Host != "localhost":
		return `\\` + u.Host + p
	case len(p) >= 3 && p[0] == '\\' && isDrive(p[1:3]):
		return p[1:]
	}
	return p
}

// isDrive reports a Windows drive: a letter and a colon.
func isDrive(s string) bool {
	return len(s) == 2 && s[1] == ':' && ('a' <= s[0]|0x20 && s[0]|0x20 <= 'z')
}

func loadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("pac file: %w; check the pac setting", err)
	}
	defer f.Close()
	return readLimited(f, path)
}

func readLimited(r io.Reader, where string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("pac file %s: reading: %w", where, err)
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("pac file %s is larger than %d MiB; is it really a PAC file?", where, MaxSize>>20)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("pac file %s is empty", where)
	}
	return b, nil
}

func loadHTTP(ctx context.Context, location string, client *http.Client) ([]byte, error) {
	if client == nil {
		client = &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{Proxy: nil, TLSHandshakeTimeout: 10 * time.Second},
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, location, nil)
	if err != nil {
		return nil, fmt.Errorf("pac url %s: %w", location, err)
	}
	// The MIME type registered for PAC files; some WPAD servers look at Accept.
	req.Header.Set("Accept", "application/x-ns-proxy-autoconfig, */*")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("pac url %s: fetch: %w; check the URL and that this machine can reach it", location, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("pac url %s: server answered %s; check the URL", location, resp.Status)
	}
	if resp.ContentLength > MaxSize {
		return nil, fmt.Errorf("pac url %s: %d bytes is larger than %d MiB; is it really a PAC file?", location, resp.ContentLength, MaxSize>>20)
	}
	return readLimited(resp.Body, location)
}
