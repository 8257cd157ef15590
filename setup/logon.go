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
// ferry init asks about again instead of stopping. until is set when the
// refusal was an earlier one, recorded in the lockout state file, and no
// logon was made now.
type rejectedError struct {
	parent, identity string
	until            time.Time
}

func (e *rejectedError) Error() string {
	return fmt.Sprintf("the parent proxy %s refused the password for %s%s", e.parent, e.identity, e.earlier())
}

// earlier says that the refusal happened before, when it did.
func (e *rejectedError) earlier() string {
	if e.until.IsZero() {
		return ""
	}
	return fmt.Sprintf(" earlier (ferry, ferry doctor or a try before this one), and no logon was made now: it is not tried again before %s, so that the account is not locked; type the current one",
		e.until.Format(time.TimeOnly))
}

// probeParent sends one request to parent with ferry's own client of it,
// without credentials; offered lists the schemes of the parent's 407, nil
// when the request went through.
func probeParent(ctx context.Context, parent, testURL string, limit time.Duration) (offered []string, err error) {
	e, err := throughParent(ctx, parent, testURL, nil, limit, "")
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
// the credentials of cfg, under the lockout guard of the state file (""
// for none): a password refused within the cool-down is not tried again,
// and a refusal rests it for ferry and ferry doctor too.
func testLogon(ctx context.Context, parent, testURL string, cfg auth.Config, limit time.Duration, state string) error {
	a, err := auth.New(cfg)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	e, err := throughParent(ctx, parent, testURL, a, limit, state)
	switch {
	case err != nil:
		return err
	case e == nil:
		return nil
	case e.Verdict() == msg.CredentialsRejected:
		return &rejectedError{parent: parent, identity: cfg.Identity()}
	case e.Verdict() == msg.LockedOut && !e.Until.IsZero():
		return &rejectedError{parent: parent, identity: cfg.Identity(), until: e.Until}
	}
	return requestError(parent, testURL, e)
}

// throughParent sends one GET for testURL to parent with ferry's own client
// of it (package relay/parent): ferry init uses the relay's own logon, so
// what it checks is what ferry run will do. It returns the relay's failure
// (a failure.As of any other error), nil when an answer came.
func throughParent(ctx context.Context, parent, testURL string, a *auth.Authenticator, limit time.Duration, state string) (*failure.Error, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, testURL, nil)
	if err != nil {
		return nil, fmt.Errorf("--test-url %q: %w", testURL, err)
	}
	// Without a state file, a fresh Guard: the one logon of this test is
	// all it may cost.
	guard := auth.NewGuard(0, nil)
	if state != "" && a.Enabled() {
		// A file that cannot be read still gives a Guard, which rests every
		// password: it may hold a refusal of this one.
		guard, _ = auth.OpenGuard(state, a.Config().LockoutCooldown, nil)
		defer guard.Close()
	}
	up := relayparent.New(relayparent.Config{Addr: parent, Auth: a,
		Guard:          guard,
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
