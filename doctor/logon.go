package doctor

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay"
	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/parent"
)

// throughParent runs the logon, CONNECT and GET checks with ferry's own
// client of parent p (package relay/parent), so that the requests are
// authenticated exactly as ferry does it and a failure comes back as the
// relay's *failure.Error, its verdict fixed where it was made. Its Guard
// reads and writes ferry's lockout state file (Relay.LockoutState) when
// there is one: doctor spends no logon on credentials that rest, and a
// rejection it meets rests them for ferry too; without a file, the first
// rejection is the last attempt of this run.
func (r *runner) throughParent(ctx context.Context, p string, t tests, needsAuth bool) *fault {
	connectTO, headerTO := r.timeouts()
	rc := r.cfg.Relay
	httpURL, httpsURL := t.httpURL, t.httpsURL
	guard := openGuard(rc, t.auth, p)
	defer guard.Close()
	up := parent.New(parent.Config{Addr: p, Auth: t.auth, Guard: guard,
		ConnectTimeout: connectTO, ResponseHeaderTimeout: headerTO})
	defer up.Retire()
	extra := http.Header{}
	for k, v := range rc.Headers {
		extra.Set(k, v)
	}
	// One request may take a logon's legs, each bounded by headerTO.
	limit := 2*headerTO + 10*time.Second
	loggedOn := func() string {
		st := up.Stats()
		if st.Scheme == "" || !needsAuth {
			return msg.T(r.lang, "detail.no_logon_needed")
		}
		return msg.T(r.lang, "detail.logged_on", "user", orDash(t.auth.Identity()), "scheme", st.Scheme)
	}

	// The logon: the first request through the parent carries it.
	authDone := false
	if httpURL != "" {
		if f := r.step("auth", p, func() (string, *fault) {
			_, _, f := get(ctx, up, httpURL, extra, limit)
			if f != nil {
				return "", f
			}
			return loggedOn(), nil
		}); f != nil {
			return f
		}
		authDone = true
	}
	if httpsURL != "" {
		name := "https"
		if !authDone {
			name = "auth"
		}
		if f := r.step(name, p, func() (string, *fault) {
			target := hostPort(httpsURL)
			resp, f := connect(ctx, up, target, extra, limit)
			if f != nil {
				return "", f
			}
			if f := parentAnswer(p, resp, nil); f != nil {
				return "", f
			}
			if name == "auth" {
				return loggedOn(), nil
			}
			return msg.T(r.lang, "detail.status", "target", "CONNECT "+target, "status", resp.Status), nil
		}); f != nil {
			return f
		}
	}
	if httpURL != "" {
		return r.step("http", p, func() (string, *fault) {
			resp, body, f := get(ctx, up, httpURL, extra, limit)
			if f != nil {
				return "", f
			}
			if f := parentAnswer(p, resp, body); f != nil {
				return "", f
			}
			return msg.T(r.lang, "detail.status", "target", "GET "+httpURL, "status", resp.Status), nil
		})
	}
	return nil
}

// openGuard is the lockout guard ferry itself would use for p: the one in
// the state file when there is one, a fresh one otherwise.
func openGuard(rc relay.Config, a *auth.Authenticator, p string) *auth.Guard {
	var cooldown time.Duration
	if a != nil {
		cooldown = a.Config().LockoutCooldown
	}
	g := auth.NewGuard(cooldown, nil)
	if rc.LockoutState != "" {
		// A file that cannot be read still gives a Guard: it rests the
		// credentials (the file may hold a rejection), and doctor says so.
		g, _ = auth.OpenGuard(rc.LockoutState, cooldown, nil)
	}
	if a.Enabled() {
		// Rests read from the file match credentials only when checked.
		g.Check(p, a)
	}
	return g
}

// via is doctor's Via entry on its requests (RFC 9110 7.6.3), as the
// relay adds its own.
const via = "1.1 ferry-doctor"

// relayFault reads the verdict of an error the parent client returned. The
// logon checks run only after the parent answered doctor's probe, so a
// parent that then goes silent on a request was waiting for the site: that
// is the site out of reach (the default example.com when offline), not a
// parent to reach through the VPN.
func relayFault(err error, p string) *fault {
	e := failure.As(err, p)
	if e.Cause == failure.ParentTimeout {
		return &fault{verdict: msg.OriginUnreachable, evidence: e.Error() +
			"; the parent answered doctor's first request a moment before, so it waits for the site: the site is out of its reach (or slower than timeouts.response_header); pass --url with a page the proxy can reach"}
	}
	return &fault{verdict: e.Verdict(), evidence: e.Error(), until: e.Until}
}

// parentAnswer classifies what the parent itself answered after the logon:
// a refusal is the company's policy, a gateway error is the site, a loop
// is the proxies' configuration.
func parentAnswer(p string, resp *http.Response, body []byte) *fault {
	switch resp.StatusCode {
	case http.StatusForbidden, http.StatusUnavailableForLegalReasons:
		return &fault{verdict: msg.SiteBlocked, evidence: pageEvidence("parent proxy "+p, resp, body)}
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return &fault{verdict: msg.OriginUnreachable, evidence: pageEvidence("parent proxy "+p, resp, body)}
	case http.StatusProxyAuthRequired:
		return &fault{verdict: msg.CredentialsRejected, evidence: pageEvidence("parent proxy "+p, resp, body)}
	case http.StatusLoopDetected:
		// RFC 5842 7.2: doctor's request came back to a proxy it had
		// passed (a ferry whose parent is, through p, itself).
		return &fault{verdict: msg.ProxyLoop, evidence: pageEvidence("parent proxy "+p, resp, body)}
	}
	return nil
}

// get sends GET u through the parent and reads at most 64 KB of the
// answer, handing the connection back when the body was read whole.
func get(ctx context.Context, up *parent.Upstream, u string, extra http.Header, limit time.Duration) (*http.Response, []byte, *fault) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, fail(msg.ConfigInvalid, "test URL %q: %v", u, err)
	}
	req.Header.Set("User-Agent", "ferry-doctor")
	resp, c, err := up.Do(ctx, parent.NewRequest(req, extra, via))
	if err != nil {
		return nil, nil, relayFault(err, up.Addr())
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	release(up, c, resp, 1<<20)
	return resp, body, nil
}

// connect asks the parent for a tunnel and closes it at once: the answer
// is what counts, not what flows.
func connect(ctx context.Context, up *parent.Upstream, target string, extra http.Header, limit time.Duration) (*http.Response, *fault) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	resp, c, err := up.Do(ctx, parent.NewConnect(target, "ferry-doctor", extra, via))
	if err != nil {
		return nil, relayFault(err, up.Addr())
	}
	if resp.StatusCode/100 == 2 {
		c.Close()
		return resp, nil
	}
	release(up, c, resp, 64<<10)
	return resp, nil
}

// release reads at most limit more bytes of resp's body and hands the
// connection back to the pool when that was all of it, so that the next
// check reuses its logon (NTLM authenticates a connection, not a request);
// otherwise it closes the connection, before the body, whose Close would
// read the rest.
func release(up *parent.Upstream, c *parent.Conn, resp *http.Response, limit int64) {
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, limit))
	if err != nil || n == limit {
		c.Close()
		resp.Body.Close()
		return
	}
	resp.Body.Close()
	up.Put(c)
}

func hostPort(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	if u.Port() == "" {
		return u.Host + ":443"
	}
	return u.Host
}
