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
	conn, err := net.Dial("tcp", sq.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	send := func(auth string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", o.URL+"/echo", nil)
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
	am, err := ntlmssp.NewAuthenticateMessage(challenge, `CORP\alice`, "secret", nil)
	if err != nil {
		t.Fatalf("go-ntlmssp refuses ntlm_fake_auth's challenge: %v", err)
	}
	if resp := send("NTLM " + base64.StdEncoding.EncodeToString(am)); resp.StatusCode != http.StatusOK {
		t.Fatalf("type 3: status %d, want 200", resp.StatusCode)
	}
	if got := sq.Handshakes(); got != 1 {
		t.Errorf("Handshakes = %d, want 1", got)
	}
	if log := sq.AccessLog(); len(log) != 2 || log[1].User != `CORP\alice` {
		t.Errorf("access log = %+v, want a 407 then a 200 for CORP\\alice", log)
	}
}
