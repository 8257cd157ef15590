package report

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/failure"
)

// TestProxyStatusCarriesTheFinerVerdict: the relay has one Kerberos cause;
// the page and its Proxy-Status carry the finer verdict the error was built
// with (failure.Auth), while the details keep the cause's name.
func TestProxyStatusCarriesTheFinerVerdict(t *testing.T) {
	cases := []struct {
		cause failure.Cause
		err   error
		want  string
	}{
		{failure.Kerberos, &auth.KerberosError{Op: "find a ticket", Kind: auth.ErrKerberosClockSkew}, msg.KerberosClockSkew},
		{failure.Kerberos, &auth.KerberosError{Op: "find a ticket", Kind: auth.ErrKerberosUnknownSPN}, msg.KerberosUnknownSPN},
		{failure.CredentialsMissing, &auth.KerberosError{Op: "find a ticket", Kind: auth.ErrKerberosNoTicket}, msg.KerberosNoTicket},
		{failure.CredentialsMissing, fmt.Errorf("ntlm: %w", auth.ErrNoCredentials), msg.CredentialsMissing},
	}
	for _, c := range cases {
		e := failure.Auth(&failure.Error{Cause: c.cause, Peer: "p:1", What: "cannot answer parent proxy p:1 with Negotiate", Err: c.err})
		w := httptest.NewRecorder()
		WriteError(w, httptest.NewRequest(http.MethodGet, "http://site.example/", nil), e)
		ps := w.Header().Get("Proxy-Status")
		if v := testenv.Verdict(ps); v != c.want || !strings.Contains(ps, `details="`+c.cause.Name+": ") {
			t.Errorf("%v: Proxy-Status %q, want verdict %s and the cause %s in the details", c.err, ps, c.want, c.cause)
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
	if v := testenv.Verdict(w.Header().Get("Proxy-Status")); v != msg.ParentRefused {
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
