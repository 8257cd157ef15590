package relay

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/internal/neterr"
)

// Cause is why ferry could not serve a request. The words are the verdicts
// `ferry doctor` uses, so a log line, an error page and doctor agree.
type Cause string

// The causes the relay reports.
const (
	CauseParentUnresolvable   Cause = "parent_unresolvable"
	CauseParentRefused        Cause = "parent_refused"
	CauseParentTimeout        Cause = "parent_timeout"
	CauseParentNotProxy       Cause = "parent_not_proxy"
	CauseParentError          Cause = "parent_error"
	CauseSchemeUnsupported    Cause = "auth_scheme_unsupported"
	CauseCredentialsMissing   Cause = "credentials_missing"
	CauseCredentialsRejected  Cause = "credentials_rejected"
	CauseLockedOut            Cause = "locked_out"
	CauseKerberos             Cause = "kerberos_error"
	CauseOriginUnreachable    Cause = "origin_unreachable"
	CauseBodyNotReplayable    Cause = "body_not_replayable"
	CauseBadRequest           Cause = "bad_request"
	CauseNoParentReachable    Cause = "parent_unreachable"
	CauseClientGone           Cause = "client_gone"
	CauseParentResponseBroken Cause = "parent_response_broken"
	CausePACFailed            Cause = "pac_failed"
	// CauseAppRequestBroken is a request from the app that ferry began to
	// relay and then could not read: its body's framing is malformed.
	CauseAppRequestBroken Cause = "app_request_broken"
	CauseProxyLoop        Cause = "proxy_loop"
	// CauseSiteProxyAuth: a 407 without a challenge for ferry's scheme came
	// from the site behind the parent (squid passes a site's 407 on and
	// strips its Proxy-Authenticate); ferry's credentials are not at fault.
	CauseSiteProxyAuth Cause = "site_proxy_auth"
	// CauseAuthDowngrade: in auto mode, a parent that offered a scheme
	// stronger than Basic now offers only Basic.
	CauseAuthDowngrade Cause = "auth_downgrade"
	// CauseKerberosPasswordRejected: the KDC refused the password or key;
	// nothing reached the parent.
	CauseKerberosPasswordRejected Cause = "kerberos_password_rejected"
)

// Error is a failure with its cause, the parent (or origin) it concerns, and
// what the user should do about it.
type Error struct {
	Cause Cause
	// Peer is the parent proxy or origin, host:port.
	Peer string
	// What says what happened, in a sentence fragment for "ferry could not
	// forward this request: ...".
	What string
	// Fix says what to do.
	Fix string
	Err error
	// Until is when resting credentials may be tried again (locked_out).
	Until time.Time
	// beforeSend means nothing reached the peer (the dial failed).
	beforeSend bool
	// unanswered means the parent took a fresh connection and sent no
	// HTTP answer on it: it closed or reset it, stayed silent, or sent
	// something that is not HTTP. With beforeSend, it marks the parent
	// down (deadParent).
	unanswered bool
	// elsewhere means the request may go on to the next candidate (another
	// parent, the PAC's next entry, direct_fallback): the parent is dead
	// and the request can be sent again (no body, or one kept whole).
	elsewhere bool
	// direct means Peer is a site ferry reached without a parent
	// (no_proxy, a PAC's DIRECT): pages name the site, not a parent.
	direct bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.What)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Status is the HTTP status that fits the cause. Never 407: the app cannot
// answer a challenge meant for ferry's credentials.
func (e *Error) Status() int {
	switch e.Cause {
	case CauseParentTimeout:
		return http.StatusGatewayTimeout
	case CauseBadRequest, CauseClientGone, CauseAppRequestBroken:
		return http.StatusBadRequest
	case CauseProxyLoop:
		return http.StatusLoopDetected
	}
	return http.StatusBadGateway
}

// proxyStatusError maps the cause to an RFC 9209 error type.
func (e *Error) proxyStatusError() string {
	switch e.Cause {
	case CauseParentUnresolvable:
		return "dns_error"
	case CauseParentRefused:
		return "connection_refused"
	case CauseParentTimeout:
		return "connection_timeout"
	case CauseParentNotProxy, CauseParentResponseBroken:
		return "http_protocol_error"
	case CauseParentError, CauseNoParentReachable:
		return "connection_terminated"
	case CauseSchemeUnsupported, CauseCredentialsMissing, CauseCredentialsRejected, CauseLockedOut, CauseKerberos, CausePACFailed:
		return "proxy_configuration_error"
	case CauseAuthDowngrade, CauseKerberosPasswordRejected:
		return "proxy_configuration_error"
	case CauseSiteProxyAuth:
		return "http_request_denied"
	case CauseOriginUnreachable:
		return "destination_unavailable"
	case CauseBadRequest, CauseAppRequestBroken:
		return "http_request_error"
	case CauseProxyLoop:
		return "proxy_loop_detected"
	}
	return "proxy_internal_error"
}

// ProxyStatus renders the RFC 9209 Proxy-Status header value.
func (e *Error) ProxyStatus() string {
	return fmt.Sprintf("ferry; error=%s; details=%q", e.proxyStatusError(), sanitizeDetails(string(e.Cause)+": "+e.Error()))
}

// sanitizeDetails keeps a header value on one line and within sf-string's
// printable ASCII.
func sanitizeDetails(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = ' '
		}
	}
	if len(b) > 400 {
		b = b[:400]
	}
	return string(b)
}

// Body is the plain-text page an app (and its user) sees.
func (e *Error) Body() string {
	var b strings.Builder
	b.WriteString("ferry could not forward this request: ")
	b.WriteString(e.Error())
	b.WriteString(".\n")
	if e.Fix != "" {
		b.WriteString("What to do: ")
		b.WriteString(e.Fix)
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "(cause: %s)\n", e.Cause)
	return b.String()
}

// asError turns any failure into an *Error, keeping one that already is.
func asError(err error, peer string) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Cause: CauseParentError, Peer: peer, What: "parent proxy " + peer + " failed", Err: err,
		Fix: "try again; if it keeps failing, check the parent proxy with 'ferry doctor'"}
}

// dialError classifies a failed dial to a parent or origin.
func dialError(err error, peer string, parent bool) *Error {
	e := classifyDial(err, peer, parent)
	e.beforeSend = true
	return e
}

func classifyDial(err error, peer string, parent bool) *Error {
	kind := "parent proxy "
	if !parent {
		kind = "site "
	}
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		c := CauseParentUnresolvable
		if !parent {
			c = CauseOriginUnreachable
		}
		return &Error{Cause: c, Peer: peer, What: "the name of " + kind + peer + " does not resolve", Err: err,
			Fix: "check the name in ferry's config; if it is an internal name, connect to the VPN or fix DNS"}
	case neterr.IsRefused(err):
		c := CauseParentRefused
		if !parent {
			c = CauseOriginUnreachable
		}
		return &Error{Cause: c, Peer: peer, What: kind + peer + " refused the connection", Err: err,
			Fix: "check the host and port in ferry's config; the proxy may be down, or a firewall rejects the port"}
	case neterr.IsTimeout(err):
		c := CauseParentTimeout
		if !parent {
			c = CauseOriginUnreachable
		}
		return &Error{Cause: c, Peer: peer, What: kind + peer + " did not answer in time", Err: err,
			Fix: "check that you are on the corporate network or VPN; a firewall may drop the traffic"}
	}
	c := CauseParentError
	if !parent {
		c = CauseOriginUnreachable
	}
	return &Error{Cause: c, Peer: peer, What: "cannot connect to " + kind + peer, Err: err,
		Fix: "check the network connection and ferry's config"}
}

// malformedBody reports whether err, from reading the app's request body,
// is a broken framing (a malformed chunk) rather than the app going away or
// stalling.
func malformedBody(err error) bool {
	return err != nil && !isCommonReadError(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, os.ErrDeadlineExceeded)
}

// badBodyError blames a malformed request body on the app, which sent it.
func badBodyError(err error, peer string) *Error {
	return &Error{Cause: CauseAppRequestBroken, Peer: peer, What: "the app's request body is malformed", Err: err,
		Fix: "this is a fault of the app's request, not of the parent proxy or the site; check the app's chunked upload"}
}
