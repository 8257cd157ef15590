package setup

// The two requests ferry init makes at the parent: one without
// credentials, to learn what it offers, and one logon.

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/failure"
	relayparent "github.com/ferryproxy/ferry/relay/parent"
)

// rejectedError is the parent refusing the password: the one failure
// ferry init asks about again instead of stopping.
type rejectedError struct{ parent, identity string }

func (e *rejectedError) Error() string {
	return fmt.Sprintf("the parent proxy %s refused the password for %s", e.parent, e.identity)
}

// probeParent sends one request to parent with ferry's own client of it,
// without credentials; offered lists the schemes of the parent's 407, nil
// when the request went through.
func probeParent(ctx context.Context, parent, testURL string, limit time.Duration) (offered []string, err error) {
	e, err := throughParent(ctx, parent, testURL, nil, limit)
	switch {
	case err != nil:
		return nil, err
	case e == nil:
		return nil, nil
	case e.Verdict() == msg.CredentialsMissing:
		if len(e.Offered) > 0 {
			return e.Offered, nil
		}
		return []string{"unknown"}, nil
	}
	return nil, requestError(parent, testURL, e)
}

// requestError explains a failed test request. A parent that says nothing
// for the test page is usually waiting for the site (example.com while
// offline), which another page fixes.
func requestError(parent, testURL string, e *failure.Error) error {
	if e.Verdict() == msg.ParentTimeout {
		return fmt.Errorf("test request for %s through %s: %s: if the proxy is reachable, it cannot reach %s (offline, or outside the company network): pass --test-url with a page the proxy can reach, such as an intranet page", testURL, parent, e, testURL)
	}
	return fmt.Errorf("test request for %s through %s: %s", testURL, parent, e)
}

// testLogon makes one request to parent with ferry's own client of it and
// the credentials of cfg.
func testLogon(ctx context.Context, parent, testURL string, cfg auth.Config, limit time.Duration) error {
	a, err := auth.New(cfg)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	e, err := throughParent(ctx, parent, testURL, a, limit)
	switch {
	case err != nil:
		return err
	case e == nil:
		return nil
	case e.Verdict() == msg.CredentialsRejected:
		return &rejectedError{parent: parent, identity: cfg.Identity()}
	}
	return requestError(parent, testURL, e)
}

// throughParent sends one GET for testURL to parent with ferry's own client
// of it (package relay/parent): ferry init uses the relay's own logon, so
// what it checks is what ferry run will do. It returns the relay's failure
// (a failure.As of any other error), nil when an answer came.
func throughParent(ctx context.Context, parent, testURL string, a *auth.Authenticator, limit time.Duration) (*failure.Error, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, testURL, nil)
	if err != nil {
		return nil, fmt.Errorf("--test-url %q: %w", testURL, err)
	}
	up := relayparent.New(relayparent.Config{Addr: parent, Auth: a,
		// A fresh Guard: the one logon of this test is all it may cost.
		Guard:          auth.NewGuard(0, nil),
		ConnectTimeout: 10 * time.Second,
		// Below limit, so that a wait comes back as the relay's
		// explanation rather than a bare timeout.
		ResponseHeaderTimeout: limit * 3 / 4})
	defer up.Retire()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	// http:// goes to the parent as a request, https:// through its
	// CONNECT, as an app's would.
	var rt http.RoundTripper = up
	if req.URL.Scheme == "https" {
		tr := &http.Transport{DialContext: up.DialContext}
		defer tr.CloseIdleConnections()
		rt = tr
	}
	resp, err := rt.RoundTrip(req.WithContext(ctx))
	if err != nil {
		return failure.As(err, parent), nil
	}
	resp.Body.Close()
	return nil, nil
}
