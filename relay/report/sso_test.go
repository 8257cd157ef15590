package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/failure"
)

// TestSSOUnavailableIsItsOwnVerdict: when Windows single sign-on gets no
// credentials, the page says so, not "no user or password configured" with
// advice to run kinit (a Linux fix).
func TestSSOUnavailableIsItsOwnVerdict(t *testing.T) {
	// Built as the exchange builds a failed logon step (authError).
	e := failure.Auth(&failure.Error{Cause: failure.CredentialsMissing, Peer: "proxy.corp:8080",
		What: "cannot answer parent proxy proxy.corp:8080 with NTLM",
		Err:  fmt.Errorf("NTLM as the logged-on Windows user: SSPI: 0x80090301 (SEC_E_INVALID_HANDLE): %w", auth.ErrSSOUnavailable)})
	if v := e.Verdict(); v != msg.SSOUnavailable {
		t.Fatalf("verdict %q, want %q", v, msg.SSOUnavailable)
	}
	p := newErrorPage(nil, e)
	if p.Title != msg.Title(msg.Default, msg.SSOUnavailable) {
		t.Errorf("title %q, want %q", p.Title, msg.Title(msg.Default, msg.SSOUnavailable))
	}
	all := p.Cause + strings.Join(p.Steps, "\n")
	if strings.Contains(all, "kinit") || strings.Contains(all, "no user or password") {
		t.Errorf("the page gives the Linux explanation:\n%s", all)
	}
	if !strings.Contains(p.Detail, "0x80090301") {
		t.Errorf("details lack the SSPI status in hex: %s", p.Detail)
	}
	for _, lang := range []string{"en", "ja"} {
		if msg.Title(lang, msg.SSOUnavailable) == "" || len(msg.Fix(lang, msg.SSOUnavailable, "parent", "p")) == 0 {
			t.Errorf("%s: the catalogue has no words for %s", lang, msg.SSOUnavailable)
		}
	}
}
