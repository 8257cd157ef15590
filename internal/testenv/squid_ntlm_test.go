package testenv

import (
	"bufio"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

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
// NTLM scheme builds on) on one connection to squid and returns the status
// of the authenticated leg.
func goNTLMStatus(t *testing.T, sq *Squid, target, user, password string) int {
	t.Helper()
	conn, err := net.Dial("tcp", sq.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	send := func(auth string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", target, nil)
		req.Header.Set("Proxy-Authorization", auth)
		if err := req.WriteProxy(conn); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			t.Fatal(err)
		}
		// squid's 407 carries an HTML body: drain it to keep the connection.
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}

	neg, err := ntlmssp.NewNegotiateMessage("", "")
	if err != nil {
		t.Fatal(err)
	}
	resp := send("NTLM " + base64.StdEncoding.EncodeToString(neg))
	if resp.StatusCode != http.StatusProxyAuthRequired {
		t.Fatalf("type 1: status %d, want 407", resp.StatusCode)
	}
	var challenge []byte
	for _, v := range resp.Header.Values("Proxy-Authenticate") {
		if tok, ok := strings.CutPrefix(v, "NTLM "); ok {
			challenge, err = base64.StdEncoding.DecodeString(tok)
			if err != nil {
				t.Fatalf("challenge %q: %v", v, err)
			}
		}
	}
	if challenge == nil {
		t.Fatalf("no NTLM challenge in %q", resp.Header.Values("Proxy-Authenticate"))
	}
	am, err := ntlmssp.NewAuthenticateMessage(challenge, user, password, nil)
	if err != nil {
		t.Fatalf("go-ntlmssp refuses squid's challenge: %v", err)
	}
	return send("NTLM " + base64.StdEncoding.EncodeToString(am)).StatusCode
}
