package setup

// The two requests ferry init makes at the parent: one without
// credentials, to learn what it offers, and one logon.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay"
)

// rejectedError is the parent refusing the password: the one failure
// ferry init asks about again instead of stopping.
type rejectedError struct{ parent, identity string }

func (e *rejectedError) Error() string {
	return fmt.Sprintf("the parent proxy %s refused the password for %s", e.parent, e.identity)
}

// probeParent sends one request through an in-process relay without
// credentials; offered lists the schemes of the parent's 407, nil when the
// request went through.
func probeParent(ctx context.Context, parent, testURL string, limit time.Duration) (offered []string, err error) {
	resp, err := throughRelay(ctx, parent, testURL, nil, limit)
	if err != nil {
		return nil, err
	}
	v, details := relay.VerdictFromProxyStatus(resp.Header.Get("Proxy-Status"))
	switch v {
	case "":
		return nil, nil
	case "credentials_missing":
		// relay reports the offered schemes only in its message:
		// "... asks for credentials (Negotiate, NTLM) and ferry has none".
		if m := offeredRE.FindStringSubmatch(details); m != nil {
			return strings.Split(m[1], ", "), nil
		}
		return []string{"unknown"}, nil
	}
	return nil, requestError(parent, testURL, v, details)
}

// requestError explains a failed test request. A parent that says nothing
// for the test page is usually waiting for the site (example.com while
// offline), which another page fixes.
func requestError(parent, testURL, verdict, details string) error {
	details = strings.ReplaceAll(details, `\"`, `"`)
	if verdict == "parent_timeout" {
		return fmt.Errorf("test request for %s through %s: %s: if the proxy is reachable, it cannot reach %s (offline, or outside the company network): pass --test-url with a page the proxy can reach, such as an intranet page", testURL, parent, details, testURL)
	}
	return fmt.Errorf("test request for %s through %s: %s", testURL, parent, details)
}

var offeredRE = regexp.MustCompile(`asks for credentials \(([^)]*)\)`)

// testLogon makes one request through an in-process relay with cfg.
func testLogon(ctx context.Context, parent, testURL string, cfg auth.Config, limit time.Duration) error {
	a, err := auth.New(cfg)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	resp, err := throughRelay(ctx, parent, testURL, a, limit)
	if err != nil {
		return err
	}
	v, details := relay.VerdictFromProxyStatus(resp.Header.Get("Proxy-Status"))
	switch v {
	case "":
		return nil
	case "credentials_rejected":
		return &rejectedError{parent: parent, identity: cfg.Identity()}
	}
	return requestError(parent, testURL, v, details)
}

// throughRelay runs a relay.Server on 127.0.0.1:0 with parent alone and
// sends one GET through it: ferry init uses the relay's own logon, so what
// it checks is what ferry run will do.
func throughRelay(ctx context.Context, parent, testURL string, a *auth.Authenticator, limit time.Duration) (*http.Response, error) {
	srv, err := relay.New(relay.Config{
		Listen: []string{"127.0.0.1:0"}, Parents: []string{parent}, Auth: a,
		// A fresh Guard: the one logon of this test is all it may cost.
		Guard:  auth.NewGuard(0, nil),
		Logger: slog.New(slog.DiscardHandler),
		// Below the client's bound, so that a wait comes back as the
		// relay's explanation rather than a bare client timeout.
		ConnectTimeout:        10 * time.Second,
		ResponseHeaderTimeout: limit * 3 / 4,
		ShutdownTimeout:       time.Second,
	})
	if err != nil {
		return nil, err
	}
	addrs, err := srv.Listen()
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(sctx) }()
	defer func() { cancel(); <-done }()
	tr := &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: addrs[0].String()}), DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: limit,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, testURL, nil)
	if err != nil {
		return nil, fmt.Errorf("--test-url %q: %w", testURL, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("test request to %s through %s: %w", testURL, parent, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp, nil
}
