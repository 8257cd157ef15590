package failure

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
)

// TestEveryCauseHasAVerdict: each cause is declared with one of doctor's
// verdicts or a page-only one, which the catalogue explains, so no error
// page lacks words; and no two causes share a name.
func TestEveryCauseHasAVerdict(t *testing.T) {
	verdicts := slices.Concat(msg.Verdicts, msg.PageVerdicts)
	var names []string
	for _, c := range Causes {
		if !slices.Contains(verdicts, c.Verdict) || !msg.Has(c.Verdict+".cause") {
			t.Errorf("cause %s has verdict %q, which is no verdict with a message", c.Name, c.Verdict)
		}
		if c.Name == "" || slices.Contains(names, c.Name) {
			t.Errorf("cause %+v: empty or repeated name", c)
		}
		names = append(names, c.Name)
	}
}

// TestKerberosErrorsGetTheirOwnVerdict: the relay has one Kerberos cause;
// the auth package's typed errors give doctor's finer verdicts when the
// error is built, and a site reached directly is the site's fault.
func TestKerberosErrorsGetTheirOwnVerdict(t *testing.T) {
	cases := []struct {
		cause Cause
		err   error
		want  string
	}{
		{Kerberos, &auth.KerberosError{Op: "find a ticket", Kind: auth.ErrKerberosClockSkew}, msg.KerberosClockSkew},
		{Kerberos, &auth.KerberosError{Op: "find a ticket", Kind: auth.ErrKerberosUnknownSPN}, msg.KerberosUnknownSPN},
		{Kerberos, fmt.Errorf("negotiate: %w", auth.ErrNoCredentials), msg.KerberosNoTicket},
		{CredentialsMissing, &auth.KerberosError{Op: "find a ticket", Kind: auth.ErrKerberosNoTicket}, msg.KerberosNoTicket},
		{CredentialsMissing, fmt.Errorf("ntlm: %w", auth.ErrNoCredentials), msg.CredentialsMissing},
		{CredentialsMissing, fmt.Errorf("negotiate: %w", auth.ErrSSOUnavailable), msg.SSOUnavailable},
	}
	for _, c := range cases {
		e := Auth(&Error{Cause: c.cause, Peer: "p:1", What: "cannot answer parent proxy p:1 with Negotiate", Err: c.err})
		if got := e.Verdict(); got != c.want {
			t.Errorf("%v: verdict %s, want %s", c.err, got, c.want)
		}
		if e.Cause != c.cause {
			t.Errorf("%v: cause %s became %s", c.err, c.cause, e.Cause)
		}
	}
	e := &Error{Cause: ParentResponseBroken, Peer: "site.example:80", Direct: true}
	if got := e.Verdict(); got != msg.OriginUnreachable {
		t.Errorf("a site reached directly: verdict %s, want %s", got, msg.OriginUnreachable)
	}
}
