//go:build unix

package testenv

import (
	"net/http"
	"testing"

	"github.com/Azure/go-ntlmssp"
)

// ferry's NTLM scheme is built on go-ntlmssp, a strict NTLMv2 client: this
// proves the fake helper's challenge (no target info, no Unicode flag) is
// one it can answer, over a single connection as squid requires.
func TestSquidFakeNTLMAcceptsGoNTLMSSP(t *testing.T) {
	o := StartOrigin(t)
	sq := StartSquid(t, SquidOptions{Auth: SquidAuthNTLM})
	if got := goNTLMStatus(t, sq, o.URL+"/echo", `CORP\alice`, "secret"); got != http.StatusOK {
		t.Fatalf("type 3: status %d, want 200", got)
	}
	if got := sq.Handshakes(); got != 1 {
		t.Errorf("Handshakes = %d, want 1", got)
	}
	if log := sq.AccessLog(); len(log) != 2 || log[1].User != `CORP\alice` {
		t.Errorf("access log = %+v, want a 407 then a 200 for CORP\\alice", log)
	}
}

// The logging wrapper also sits in front of a real NTLM verifier, so tests
// can count the failed logons a domain controller would count.
func TestSquidVerifiedNTLMCountsFailedLogons(t *testing.T) {
	o := StartOrigin(t)
	v := StartNTLMVerifier(t, map[string]string{"ferrybob": "Right-pw 1"})
	sq := StartSquid(t, SquidOptions{Auth: SquidAuthNTLM, NTLM: v})
	if got := goNTLMStatus(t, sq, o.URL+"/echo", v.Domain+`\ferrybob`, "Right-pw 1"); got != http.StatusOK {
		t.Errorf("right password: status %d, want 200", got)
	}
	if got := goNTLMStatus(t, sq, o.URL+"/echo", v.Domain+`\ferrybob`, "wrong"); got != http.StatusProxyAuthRequired {
		t.Errorf("wrong password: status %d, want 407", got)
	}
	if hs, failed := sq.Handshakes(), sq.FailedLogons(); hs != 2 || failed != 1 {
		t.Errorf("Handshakes, FailedLogons = %d, %d; want 2, 1\nhelper said %q", hs, failed, sq.HelperAnswers())
	}
}

// goNTLMStatus does the NTLM handshake with go-ntlmssp (the library ferry's
// NTLM scheme builds on, negotiate message included) on one connection to
// squid and returns the status of the authenticated leg.
func goNTLMStatus(t *testing.T, sq *Squid, target, user, password string) int {
	t.Helper()
	neg, err := ntlmssp.NewNegotiateMessage("", "")
	if err != nil {
		t.Fatal(err)
	}
	return ntlmThroughSquid(t, sq.Addr, target, neg, user, password)
}
