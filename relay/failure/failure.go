package failure

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/internal/neterr"
)

// Cause is why ferry could not serve a request. The words are the verdicts
// `ferry doctor` uses, so a log line, an error page and doctor agree.
type Cause string

// The causes the relay reports.
const (
	ParentUnresolvable   Cause = "parent_unresolvable"
	ParentRefused        Cause = "parent_refused"
	ParentTimeout        Cause = "parent_timeout"
	ParentNotProxy       Cause = "parent_not_proxy"
	ParentError          Cause = "parent_error"
	SchemeUnsupported    Cause = "auth_scheme_unsupported"
	CredentialsMissing   Cause = "credentials_missing"
	CredentialsRejected  Cause = "credentials_rejected"
	LockedOut            Cause = "locked_out"
	Kerberos             Cause = "kerberos_error"
	OriginUnreachable    Cause = "origin_unreachable"
	BodyNotReplayable    Cause = "body_not_replayable"
	BadRequest           Cause = "bad_request"
	NoParentReachable    Cause = "parent_unreachable"
	ClientGone           Cause = "client_gone"
	ParentResponseBroken Cause = "parent_response_broken"
	PACFailed            Cause = "pac_failed"
	// AppRequestBroken is a request from the app that ferry began to
	// relay and then could not read: its body's framing is malformed.
	AppRequestBroken Cause = "app_request_broken"
	ProxyLoop        Cause = "proxy_loop"
	// SiteProxyAuth: a 407 without a challenge for ferry's scheme came
	// from the site behind the parent (squid passes a site's 407 on and
	// strips its Proxy-Authenticate); ferry's credentials are not at fault.
	SiteProxyAuth Cause = "site_proxy_auth"
	// AuthDowngrade: in auto mode, a parent that offered a scheme
	// stronger than Basic now offers only Basic.
	AuthDowngrade Cause = "auth_downgrade"
	// KerberosPasswordRejected: the KDC refused the password or key;
	// nothing reached the parent.
	KerberosPasswordRejected Cause = "kerberos_password_rejected"
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
	// BeforeSend means nothing reached the peer (the dial failed).
	BeforeSend bool
	// Unanswered means the parent took a fresh connection and sent no
	// HTTP answer on it: it closed or reset it, stayed silent, or sent
	// something that is not HTTP. With BeforeSend, it marks the parent
	// down (deadParent).
	Unanswered bool
	// Elsewhere means the request may go on to the next candidate (another
	// parent, the PAC's next entry, direct_fallback): the parent is dead
	// and the request can be sent again (no body, or one kept whole).
	Elsewhere bool
	// direct means Peer is a site ferry reached without a parent
	// (no_proxy, a PAC's DIRECT): pages name the site, not a parent.
	Direct bool
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
	case ParentTimeout:
		return http.StatusGatewayTimeout
	case BadRequest, ClientGone, AppRequestBroken:
		return http.StatusBadRequest
	case ProxyLoop:
		return http.StatusLoopDetected
	}
	return http.StatusBadGateway
}

// proxyStatusError maps the cause to an RFC 9209 error type.
func (e *Error) proxyStatusError() string {
	switch e.Cause {
	case ParentUnresolvable:
		return "dns_error"
	case ParentRefused:
		return "connection_refused"
	case ParentTimeout:
		return "connection_timeout"
	case ParentNotProxy, ParentResponseBroken:
		return "http_protocol_error"
	case ParentError, NoParentReachable:
		return "connection_terminated"
	case SchemeUnsupported, CredentialsMissing, CredentialsRejected, LockedOut, Kerberos, PACFailed:
		return "proxy_configuration_error"
	case AuthDowngrade, KerberosPasswordRejected:
		return "proxy_configuration_error"
	case SiteProxyAuth:
		return "http_request_denied"
	case OriginUnreachable:
		return "destination_unavailable"
	case BadRequest, AppRequestBroken:
		return "http_request_error"
	case ProxyLoop:
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

// As turns any failure into an *Error, keeping one that already is.
func As(err error, peer string) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Cause: ParentError, Peer: peer, What: "parent proxy " + peer + " failed", Err: err,
		Fix: "try again; if it keeps failing, check the parent proxy with 'ferry doctor'"}
}

// Dial classifies a failed dial to a parent or origin.
func Dial(err error, peer string, parent bool) *Error {
	e := Classify(err, peer, parent)
	e.BeforeSend = true
	return e
}

// Classify names the cause of a failed dial: a name that does not resolve,
// a refusal, a timeout, or another network error; parent says whether peer
// is a parent proxy or a site.
func Classify(err error, peer string, parent bool) *Error {
	kind := "parent proxy "
	if !parent {
		kind = "site "
	}
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		c := ParentUnresolvable
		if !parent {
			c = OriginUnreachable
		}
		return &Error{Cause: c, Peer: peer, What: "the name of " + kind + peer + " does not resolve", Err: err,
			Fix: "check the name in ferry's config; if it is an internal name, connect to the VPN or fix DNS"}
	case neterr.IsRefused(err):
		c := ParentRefused
		if !parent {
			c = OriginUnreachable
		}
		return &Error{Cause: c, Peer: peer, What: kind + peer + " refused the connection", Err: err,
			Fix: "check the host and port in ferry's config; the proxy may be down, or a firewall rejects the port"}
	case neterr.IsTimeout(err):
		c := ParentTimeout
		if !parent {
			c = OriginUnreachable
		}
		return &Error{Cause: c, Peer: peer, What: kind + peer + " did not answer in time", Err: err,
			Fix: "check that you are on the corporate network or VPN; a firewall may drop the traffic"}
	}
	c := ParentError
	if !parent {
		c = OriginUnreachable
	}
	return &Error{Cause: c, Peer: peer, What: "cannot connect to " + kind + peer, Err: err,
		Fix: "check the network connection and ferry's config"}
}

// VerdictOf maps a Cause onto the verdicts of ferry doctor (package
// msg), so that an error page, a log line and doctor use the same words.
// Causes that name the same words map to themselves.
func VerdictOf(c Cause) string {
	switch c {
	case Kerberos:
		// Without a finer kind (see Error.Verdict), the usable fix is the
		// same as for a missing ticket: kinit, or a password.
		return msg.KerberosNoTicket
	case BodyNotReplayable, ClientGone, NoParentReachable, ParentResponseBroken:
		return msg.ParentError
	case BadRequest:
		return "bad_request"
	}
	if msg.Has(string(c) + ".title") {
		return string(c)
	}
	return msg.ParentError
}

// Verdict is e's doctor verdict, finer than its Cause for Kerberos: the
// auth package's typed errors say which Kerberos problem it is.
func (e *Error) Verdict() string {
	switch {
	case e.Direct:
		// No parent took part: whatever broke, it is the site.
		return msg.OriginUnreachable
	case errors.Is(e.Err, auth.ErrSSOUnavailable):
		return msg.SSOUnavailable
	case errors.Is(e.Err, auth.ErrKerberosClockSkew):
		return msg.KerberosClockSkew
	case errors.Is(e.Err, auth.ErrKerberosUnknownSPN):
		return msg.KerberosUnknownSPN
	case errors.Is(e.Err, auth.ErrKerberosNoTicket), errors.Is(e.Err, auth.ErrKerberosTicketExpired),
		errors.Is(e.Err, auth.ErrKerberosKDCUnreachable):
		return msg.KerberosNoTicket
	}
	return VerdictOf(e.Cause)
}
