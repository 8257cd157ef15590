package doctor

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay"
)

// throughRelay runs the logon, CONNECT and GET checks through an
// in-process relay.Server with parent p alone, so that the requests are
// authenticated exactly as ferry does it and failures come back with the
// relay's own cause. Its Guard reads and writes ferry's lockout state file
// (Relay.LockoutState) when there is one: doctor spends no logon on
// credentials that rest, and a rejection it meets rests them for ferry
// too; without a file, the first rejection is the last attempt of this run.
func (r *runner) throughRelay(ctx context.Context, p, httpURL, httpsURL string, needsAuth bool) *fault {
	_, headerTO := r.timeouts()
	rc := r.cfg.Relay
	rc.Listen = []string{"127.0.0.1:0"}
	rc.Parents = []string{p}
	rc.NoProxy = nil // the test URLs must go through the parent
	rc.Guard = nil
	rc.Logger = slog.New(slog.DiscardHandler)
	rc.ResponseHeaderTimeout = headerTO
	rc.ShutdownTimeout = time.Second
	srv, err := relay.New(rc)
	if err != nil {
		return r.step("auth", p, func() (string, *fault) { return "", fail(msg.ConfigInvalid, "%v", err) })
	}
	addrs, err := srv.Listen()
	if err != nil {
		return r.step("auth", p, func() (string, *fault) {
			return "", fail(msg.ParentError, "doctor cannot start its relay: %v", err)
		})
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(sctx) }()
	defer func() { cancel(); <-done }()
	relayAddr := addrs[0].String()
	proxyURL := &url.URL{Scheme: "http", Host: relayAddr}
	tr := &http.Transport{Proxy: http.ProxyURL(proxyURL), DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 2*headerTO + 10*time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	up := srv.Upstreams()[0]
	// A rest's end is in the Guard, not in the Proxy-Status text.
	relayFailure := func(resp *http.Response) *fault {
		f := ferryFailure(resp)
		if f != nil && f.verdict == msg.LockedOut {
			for _, lo := range srv.Guard().Snapshot() {
				f.until = lo.Until
			}
		}
		return f
	}
	loggedOn := func() string {
		st := up.Stats()
		if st.Scheme == "" || !needsAuth {
			return msg.T(r.lang, "detail.no_logon_needed")
		}
		return msg.T(r.lang, "detail.logged_on", "user", orDash(rc.Auth.Identity()), "scheme", st.Scheme)
	}

	// The logon: the first request through the parent carries it.
	authDone := false
	if httpURL != "" {
		if f := r.step("auth", p, func() (string, *fault) {
			resp, body, err := get(ctx, client, httpURL)
			if err != nil {
				return "", fail(msg.ParentError, "GET %s through the parent: %v", httpURL, err)
			}
			if f := relayFailure(resp); f != nil {
				return "", f
			}
			_ = body
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
			resp, err := connectVia(ctx, relayAddr, target, headerTO)
			if err != nil {
				return "", fail(msg.ParentError, "CONNECT %s through the parent: %v", target, err)
			}
			if f := relayFailure(resp); f != nil {
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
			resp, body, err := get(ctx, client, httpURL)
			if err != nil {
				return "", fail(msg.ParentError, "GET %s through the parent: %v", httpURL, err)
			}
			if f := relayFailure(resp); f != nil {
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

// ferryFailure reads the verdict from an error the in-process relay sent.
// The relay checks run only after the parent answered doctor's probe, so a
// parent that then goes silent on a request was waiting for the site: that
// is the site out of reach (the default example.com when offline), not a
// parent to reach through the VPN.
func ferryFailure(resp *http.Response) *fault {
	ps := resp.Header.Get("Proxy-Status")
	v, details := relay.VerdictFromProxyStatus(ps)
	if v == "" {
		return nil
	}
	if details == "" {
		details = ps
	}
	details = strings.ReplaceAll(details, `\"`, `"`)
	if v == msg.ParentTimeout {
		return &fault{verdict: msg.OriginUnreachable, evidence: details +
			"; the parent answered doctor's first request a moment before, so it waits for the site: the site is out of its reach (or slower than timeouts.response_header); pass --url with a page the proxy can reach"}
	}
	return &fault{verdict: v, evidence: details}
}

// parentAnswer classifies what the parent itself answered after the logon:
// a refusal is the company's policy, a gateway error is the site.
func parentAnswer(p string, resp *http.Response, body []byte) *fault {
	switch resp.StatusCode {
	case http.StatusForbidden, http.StatusUnavailableForLegalReasons:
		return &fault{verdict: msg.SiteBlocked, evidence: pageEvidence("parent proxy "+p, resp, body)}
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return &fault{verdict: msg.OriginUnreachable, evidence: pageEvidence("parent proxy "+p, resp, body)}
	case http.StatusProxyAuthRequired:
		return &fault{verdict: msg.CredentialsRejected, evidence: pageEvidence("parent proxy "+p, resp, body)}
	}
	return nil
}

func get(ctx context.Context, c *http.Client, u string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", "ferry-doctor")
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp, body, nil
}

// connectVia asks the relay for a tunnel and closes it at once: the answer
// is what counts, not what flows.
func connectVia(ctx context.Context, relayAddr, target string, headerTO time.Duration) (*http.Response, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", relayAddr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2*headerTO + 10*time.Second))
	if _, err := fmt.Fprintf(c, "CONNECT %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ferry-doctor\r\n\r\n", target, target); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: http.MethodConnect})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	}
	resp.Body.Close()
	return resp, nil
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
