package auth

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Kerberos failure causes. A *KerberosError carries one of them as its Kind,
// so callers (the relay, ferry doctor) tell causes apart with errors.Is.
var (
	// ErrKerberosNoTicket: no ticket cache with a TGT and no password or
	// keytab to get one. Wraps ErrNoCredentials, so the relay falls back to
	// the next scheme (NTLM).
	ErrKerberosNoTicket = fmt.Errorf("no kerberos ticket: %w", ErrNoCredentials)
	// ErrKerberosTicketExpired: the cache's TGT has expired and nothing can
	// renew it. Wraps ErrNoCredentials.
	ErrKerberosTicketExpired = fmt.Errorf("kerberos ticket expired: %w", ErrNoCredentials)
	// ErrKerberosClockSkew: this machine's clock and the KDC's (or the
	// parent's) differ by more than the allowed skew (5 minutes by default).
	ErrKerberosClockSkew = errors.New("kerberos clock skew")
	// ErrKerberosUnknownSPN: the KDC has no service principal HTTP/<parent>,
	// typically because the parent was named by IP address or by an alias.
	ErrKerberosUnknownSPN = errors.New("kerberos service principal unknown")
	// ErrKerberosKDCUnreachable: no KDC of the realm answered.
	ErrKerberosKDCUnreachable = errors.New("kerberos kdc unreachable")
	// ErrKerberosLogonRejected: the KDC refused the password or keytab key
	// (or the account is locked, disabled or its password expired). Wraps
	// ErrRejected: a failed pre-authentication counts towards Active
	// Directory's lockout, so nothing may retry it blindly.
	ErrKerberosLogonRejected = fmt.Errorf("kerberos logon rejected: %w", ErrRejected)
	// ErrKerberosUnknownUser: the KDC does not know the user. Wraps
	// ErrRejected: retrying cannot help.
	ErrKerberosUnknownUser = fmt.Errorf("kerberos user unknown: %w", ErrRejected)
	// ErrKerberosTicketRefused: the parent answered our ticket with another
	// 407. Wraps ErrRejected.
	ErrKerberosTicketRefused = fmt.Errorf("kerberos ticket refused by parent: %w", ErrRejected)
)

// KerberosError is a Kerberos failure with its cause. It never holds a
// password: gokrb5's messages name principals and error codes only.
type KerberosError struct {
	// Op says what ferry was doing: "log on as alice@CORP.EXAMPLE",
	// "get a ticket for HTTP/proxy.corp.example".
	Op string
	// Kind is one of the ErrKerberos* causes, nil when none fits.
	Kind error
	// Detail explains the cause and what to do, for people.
	Detail string
	// Code is the Kerberos error code name (KDC_ERR_PREAUTH_FAILED, ...) when
	// the KDC sent one.
	Code string
	// Err is the underlying error, nil when ferry detected the cause itself.
	Err error
}

func (e *KerberosError) Error() string {
	var b strings.Builder
	b.WriteString("kerberos: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	switch {
	case e.Detail != "":
		b.WriteString(e.Detail)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	case e.Kind != nil:
		b.WriteString(e.Kind.Error())
	}
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap exposes both the cause kind and the underlying error.
func (e *KerberosError) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// krbCode finds the RFC 4120 error code name in gokrb5's error text:
// gokrb5 flattens KRBError values into strings (krberror.Errorf), so the
// code cannot be reached with errors.As.
var krbCode = regexp.MustCompile(`\b(KDC_ERR_[A-Z0-9_]+|KRB_AP_ERR_[A-Z0-9_]+|KRB_ERR_[A-Z0-9_]+)\b`)

// classifyKerberos turns a gokrb5 error into a *KerberosError. principal is
// the user (for logon failures), spn the service asked for (may be empty).
func classifyKerberos(op, principal, spn string, err error) *KerberosError {
	text := err.Error()
	e := &KerberosError{Op: op, Err: err, Code: krbCode.FindString(text)}
	switch e.Code {
	case "KDC_ERR_S_PRINCIPAL_UNKNOWN":
		e.Kind = ErrKerberosUnknownSPN
		host := strings.TrimPrefix(spn, "HTTP/")
		e.Detail = fmt.Sprintf("the KDC does not know %s: use the parent's DNS name, not its IP address or an alias", spn)
		if host == "" {
			e.Detail = "the KDC does not know the service principal"
		}
	case "KRB_AP_ERR_SKEW":
		e.Kind = ErrKerberosClockSkew
		e.Detail = "the clocks of this machine and the KDC differ by more than the allowed skew (5 minutes by default): fix the system time"
	case "KDC_ERR_PREAUTH_FAILED", "KRB_AP_ERR_BAD_INTEGRITY":
		e.Kind = ErrKerberosLogonRejected
		e.Detail = fmt.Sprintf("the KDC refused the password or key of %s", principal)
	case "KDC_ERR_CLIENT_REVOKED":
		e.Kind = ErrKerberosLogonRejected
		e.Detail = fmt.Sprintf("the account %s is locked or disabled", principal)
	case "KDC_ERR_KEY_EXPIRED":
		e.Kind = ErrKerberosLogonRejected
		e.Detail = fmt.Sprintf("the password of %s has expired: change it, then update auth.password", principal)
	case "KDC_ERR_C_PRINCIPAL_UNKNOWN":
		e.Kind = ErrKerberosUnknownUser
		e.Detail = fmt.Sprintf("the KDC does not know the user %s: check auth.user and the realm", principal)
	case "KRB_AP_ERR_TKT_EXPIRED":
		e.Kind = ErrKerberosTicketExpired
		e.Detail = "the ticket has expired: run kinit or set auth.password"
	case "":
		switch {
		case strings.Contains(text, "client password/keytab incorrect"):
			// Without pre-authentication the KDC answers anyone, and a wrong
			// password shows as an AS-REP that does not decrypt.
			e.Kind = ErrKerberosLogonRejected
			e.Detail = fmt.Sprintf("the KDC reply does not decrypt with the password or key of %s: it is wrong", principal)
		case strings.Contains(text, "communicat") && strings.Contains(text, "KDC"),
			strings.Contains(text, "error sending to KDC"),
			strings.Contains(text, "error resolving KDC"),
			strings.Contains(text, "no KDC"),
			strings.Contains(text, "Networking_Error"):
			e.Kind = ErrKerberosKDCUnreachable
			e.Detail = "no KDC of the realm answered: check the network, VPN and the [realms] kdc entries of krb5.conf (" + text + ")"
		}
	}
	return e
}
