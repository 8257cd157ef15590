package report

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/failure"
)

// TestEveryCauseHasAVerdict: each relay cause maps onto one of doctor's
// verdicts (or the page-only bad_request), so no error page lacks words.
func TestEveryCauseHasAVerdict(t *testing.T) {
	causes := []failure.Cause{failure.ParentUnresolvable, failure.ParentRefused, failure.ParentTimeout, failure.ParentNotProxy,
		failure.ParentError, failure.SchemeUnsupported, failure.CredentialsMissing, failure.CredentialsRejected,
		failure.LockedOut, failure.Kerberos, failure.OriginUnreachable, failure.BodyNotReplayable, failure.BadRequest,
		failure.NoParentReachable, failure.ClientGone, failure.ParentResponseBroken, failure.PACFailed, failure.AppRequestBroken}
	for _, c := range causes {
		v := failure.VerdictOf(c)
		if !msg.Has(v + ".cause") {
			t.Errorf("cause %s maps to %q, which has no message", c, v)
		}
	}
}

// TestKerberosErrorsGetTheirOwnVerdict: the relay has one Kerberos cause;
// the auth package's typed errors give doctor's finer verdicts, both from
// the Error itself and from its Proxy-Status text alone.
func TestKerberosErrorsGetTheirOwnVerdict(t *testing.T) {
	cases := []struct {
		cause failure.Cause
		kind  error
		want  string
	}{
		{failure.Kerberos, auth.ErrKerberosClockSkew, msg.KerberosClockSkew},
		{failure.Kerberos, auth.ErrKerberosUnknownSPN, msg.KerberosUnknownSPN},
		{failure.CredentialsMissing, auth.ErrKerberosNoTicket, msg.KerberosNoTicket},
		{failure.CredentialsMissing, fmt.Errorf("ntlm: %w", auth.ErrNoCredentials), msg.CredentialsMissing},
	}
	for _, c := range cases {
		var err error = &auth.KerberosError{Op: "find a ticket", Kind: c.kind}
		if c.want == msg.CredentialsMissing {
			err = c.kind
		}
		e := &failure.Error{Cause: c.cause, Peer: "p:1", What: "cannot answer parent proxy p:1 with Negotiate", Err: err}
		if got := e.Verdict(); got != c.want {
			t.Errorf("%v: verdict %s, want %s", c.kind, got, c.want)
		}
		if v, _ := VerdictFromProxyStatus(e.ProxyStatus()); v != c.want {
			t.Errorf("%v: verdict from Proxy-Status %q is %s, want %s", c.kind, e.ProxyStatus(), v, c.want)
		}
	}
}

// TestErrorPageFollowsAcceptAndLanguage: a browser gets HTML in its
// language, curl gets text, and both carry the verdict in Proxy-Status.
func TestErrorPageFollowsAcceptAndLanguage(t *testing.T) {
	e := &failure.Error{Cause: failure.ParentRefused, Peer: "proxy.corp.example:8080", What: "parent proxy proxy.corp.example:8080 refused the connection",
		Fix: "check the host and port"}
	r := httptest.NewRequest(http.MethodGet, "http://site.example/", nil)
	r.Header.Set("Accept", "text/html,application/xhtml+xml")
	r.Header.Set("Accept-Language", "ja-JP,ja;q=0.9,en;q=0.5")
	w := httptest.NewRecorder()
	WriteError(w, r, e)
	body := w.Body.String()
	if w.Code != http.StatusBadGateway || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, type %s", w.Code, w.Header().Get("Content-Type"))
	}
	if !strings.Contains(body, msg.Title("ja", msg.ParentRefused)) || !strings.Contains(body, `lang="ja"`) {
		t.Errorf("Japanese page lacks the Japanese title:\n%s", body)
	}
	if v, _ := VerdictFromProxyStatus(w.Header().Get("Proxy-Status")); v != msg.ParentRefused {
		t.Errorf("Proxy-Status %q gives verdict %q", w.Header().Get("Proxy-Status"), v)
	}

	r = httptest.NewRequest(http.MethodGet, "http://site.example/", nil)
	r.Header.Set("Accept", "*/*")
	w = httptest.NewRecorder()
	WriteError(w, r, e)
	body = w.Body.String()
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") || !strings.Contains(body, "1. "+msg.Fix("en", msg.ParentRefused)[0]) ||
		!strings.Contains(body, msg.Cause("en", msg.ParentRefused, "parent", e.Peer)) {
		t.Errorf("text page:\n%s", body)
	}
	if !strings.Contains(w.Header().Get("Proxy-Status"), "error=connection_refused") {
		t.Errorf("Proxy-Status %q lacks the RFC 9209 error type", w.Header().Get("Proxy-Status"))
	}
}

// TestVerdictFromProxyStatusUnescapesDetails: the details come back as the
// relay wrote them, not in their sf-string escaping (doctor printed
// TESTDOM\\alice).
func TestVerdictFromProxyStatusUnescapesDetails(t *testing.T) {
	e := &failure.Error{Cause: failure.CredentialsRejected, Peer: "p:1", What: `parent proxy p:1 rejected the credentials of TESTDOM\alice ("Basic")`}
	v, details := VerdictFromProxyStatus(e.ProxyStatus() + "; verdict=credentials_rejected")
	if v != msg.CredentialsRejected || details != e.Error() {
		t.Fatalf("got %s %q, want %s %q", v, details, msg.CredentialsRejected, e.Error())
	}
}
