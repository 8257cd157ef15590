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

// Cause is why ferry could not serve a request, in the two words people
// read: Name, what happened, for logs, the Proxy-Status details and the
// status page; Verdict, what to do about it, a key of the message catalogue
// (internal/msg) that error pages and doctor explain. Most causes are
// verdicts (Name == Verdict); a few name a finer event that the user fixes
// like another verdict (client_gone is a parent_error to the reader).
//
// Compare causes with ==; only the declared ones below exist, and the
// verdict of an Error can be finer than its Cause's (see Auth).
type Cause struct {
	// Name is the cause's word in logs and Proxy-Status details.
	Name string
	// Verdict is the message catalogue's key for the cause's page.
	Verdict string
}

// String is the cause's Name.
func (c Cause) String() string { return c.Name }

// verdict is a cause that is its own verdict.
func verdict(v string) Cause { return Cause{Name: v, Verdict: v} }

// The causes the relay reports.
var (
	ParentUnresolvable  = verdict(msg.ParentUnresolvable)
	ParentRefused       = verdict(msg.ParentRefused)
	ParentTimeout       = verdict(msg.ParentTimeout)
	ParentNotProxy      = verdict(msg.ParentNotProxy)
	ParentError         = verdict(msg.ParentError)
	SchemeUnsupported   = verdict(msg.AuthSchemeUnsupported)
	CredentialsMissing  = verdict(msg.CredentialsMissing)
	CredentialsRejected = verdict(msg.CredentialsRejected)
	LockedOut           = verdict(msg.LockedOut)
	// Kerberos: ferry could not make its Negotiate answer. Auth gives the
	// Error the finer verdict auth's typed error names; without one, the
	// usable fix is the same as for a missing ticket: kinit, or a password.
	Kerberos          = Cause{Name: "kerberos_error", Verdict: msg.KerberosNoTicket}
	OriginUnreachable = verdict(msg.OriginUnreachable)
	// BodyNotReplayable: the parent asked for credentials again after
	// taking a body too large to keep.
	BodyNotReplayable = Cause{Name: "body_not_replayable", Verdict: msg.ParentError}
	// BadRequest: the app asked for something ferry does not relay.
	BadRequest = verdict(msg.BadRequest)
	// NoParentReachable: no parent is configured, or every one is down.
	NoParentReachable = Cause{Name: "parent_unreachable", Verdict: msg.ParentError}
	// ClientGone: the app went away (or stopped sending its body) first.
	ClientGone = Cause{Name: "client_gone", Verdict: msg.ParentError}
	// ParentResponseBroken: the parent's (or a direct site's) answer is
	// not a response ferry may pass on (a 101 nobody asked for, a broken
	// body).
	ParentResponseBroken = Cause{Name: "parent_response_broken", Verdict: msg.ParentError}
	PACFailed            = verdict(msg.PACFailed)
	// AppRequestBroken is a request from the app that ferry began to
	// relay and then could not read: its body's framing is malformed.
	AppRequestBroken = verdict(msg.AppRequestBroken)
	ProxyLoop        = verdict(msg.ProxyLoop)
	// SiteProxyAuth: a 407 without a challenge for ferry's scheme came
	// from the site behind the parent (squid passes a site's 407 on and
	// strips its Proxy-Authenticate); ferry's credentials are not at fault.
	SiteProxyAuth = verdict(msg.SiteProxyAuth)
	// AuthDowngrade: in auto mode, a parent that offered a scheme
	// stronger than Basic now offers only Basic.
	AuthDowngrade = verdict(msg.AuthDowngrade)
	// KerberosPasswordRejected: the KDC refused the password or key;
	// nothing reached the parent.
	KerberosPasswordRejected = verdict(msg.KerberosPasswordRejected)
)

// Causes lists every cause above.
var Causes = []Cause{ParentUnresolvable, ParentRefused, ParentTimeout, ParentNotProxy, ParentError,
	SchemeUnsupported, CredentialsMissing, CredentialsRejected, LockedOut, Kerberos, OriginUnreachable,
	BodyNotReplayable, BadRequest, NoParentReachable, ClientGone, ParentResponseBroken, PACFailed,
	AppRequestBroken, ProxyLoop, SiteProxyAuth, AuthDowngrade, KerberosPasswordRejected}

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
	// Direct means Peer is a site ferry reached without a parent
	// (no_proxy, a PAC's DIRECT): pages name the site, not a parent, and
	// the verdict is origin_unreachable whatever broke, but for a
	// proxy_loop (the site is one of ferry's own listeners).
	Direct bool
	// Offered lists the schemes the parent's 407 offered, in its order, on
	// an error that says ferry cannot answer them (credentials_missing,
	// auth_scheme_unsupported): ferry init reports them.
	Offered []string
	// verdict, when set (by Auth), is finer than Cause.Verdict.
	verdict string
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
	return fmt.Sprintf("ferry; error=%s; details=%q", e.proxyStatusError(), sanitizeDetails(e.Cause.Name+": "+e.Error()))
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

// Verdict is e's verdict: the message catalogue's key for its page, doctor's
// verdict and the status page's explanation. It is fixed when e is built:
// its Cause's, origin_unreachable for a site reached without a parent, or
// the finer one Auth found.
func (e *Error) Verdict() string {
	switch {
	case e.Direct && e.Cause != ProxyLoop:
		// No parent took part: whatever broke, it is the site (unless the
		// site is ferry itself).
		return msg.OriginUnreachable
	case e.verdict != "":
		return e.verdict
	}
	return e.Cause.Verdict
}

// Auth gives e, a failure of ferry's own logon step (no Kerberos ticket, a
// clock skew, no Windows single sign-on), the verdict that auth's typed
// error in e.Err names: each has its own fix. It returns e.
func Auth(e *Error) *Error {
	switch {
	case errors.Is(e.Err, auth.ErrSSOUnavailable):
		e.verdict = msg.SSOUnavailable
	case errors.Is(e.Err, auth.ErrKerberosClockSkew):
		e.verdict = msg.KerberosClockSkew
	case errors.Is(e.Err, auth.ErrKerberosUnknownSPN):
		e.verdict = msg.KerberosUnknownSPN
	case errors.Is(e.Err, auth.ErrKerberosNoTicket), errors.Is(e.Err, auth.ErrKerberosTicketExpired),
		errors.Is(e.Err, auth.ErrKerberosKDCUnreachable):
		e.verdict = msg.KerberosNoTicket
	}
	return e
}
