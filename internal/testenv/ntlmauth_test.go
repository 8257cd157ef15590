//go:build unix

package testenv

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/Azure/go-ntlmssp"
)

// The helper must answer the way squid's proxy user runs it: a challenge
// with target info to a client asking for the target, AF for the right
// password and NA for a wrong one.
func TestNTLMVerifierChecksPasswordAsProxyUser(t *testing.T) {
	v := StartNTLMVerifier(t, map[string]string{"ferryalice": "Alice-pw1", "ferrybob": "Bob-pw2"})
	h := startHelperAsProxy(t, v)

	tests := []struct {
		name, user, password string
		want                 string
	}{
		{"right password", v.Domain + `\ferryalice`, "Alice-pw1", "AF " + v.Domain + `\ferryalice`},
		{"user without domain", "ferrybob", "Bob-pw2", "AF " + v.Domain + `\ferrybob`},
		{"wrong password", v.Domain + `\ferryalice`, "Bob-pw2", "NA"},
		{"unknown user", v.Domain + `\ferrynobody`, "Alice-pw1", "NA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			challenge := h.challenge(t, requestTarget(negotiateMessage(t)))
			info := targetInfo(t, challenge)
			if got := info[2]; got != v.Domain { // MsvAvNbDomainName
				t.Errorf("challenge's NetBIOS domain = %q, want %q (target info %v)", got, v.Domain, info)
			}
			if _, ok := info[7]; !ok { // MsvAvTimestamp
				t.Errorf("challenge has no timestamp in its target info %v", info)
			}
			am, err := ntlmssp.NewAuthenticateMessage(challenge, tc.user, tc.password, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := h.send(t, "KK "+base64.StdEncoding.EncodeToString(am))
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("answer to type 3 = %q, want %q...", got, tc.want)
			}
		})
	}
}

// curl (like cntlm) sets NTLMSSP_REQUEST_TARGET and answers with NTLMv2;
// through squid the right password gets the page and a wrong one a 407.
func TestSquidWithNTLMVerifierRefusesWrongPassword(t *testing.T) {
	Require(t, "curl", "curl")
	v := StartNTLMVerifier(t, map[string]string{"ferryalice": "Alice-pw1"})
	o := StartOrigin(t)
	sq := StartSquid(t, squidOptionsForNTLMVerifier(v))

	curl := func(password string) string {
		out, err := exec.Command("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
			"--proxy-ntlm", "-U", v.Domain+`\ferryalice:`+password, "-x", sq.ProxyURL(), o.URL+"/echo").CombinedOutput()
		if err != nil {
			t.Fatalf("curl: %v\n%s", err, out)
		}
		return string(out)
	}
	if got := curl("Alice-pw1"); got != "200" {
		t.Errorf("right password: status %s, want 200", got)
	}
	if got := curl("Alice-pw2"); got != "407" {
		t.Errorf("wrong password: status %s, want 407", got)
	}
}

// ferry's NTLM scheme sends go-ntlmssp's type 1, which does not ask for the
// target: Samba then leaves target info out and still verifies the NTLMv2
// response (computed over an empty target info), on one connection.
func TestSquidWithNTLMVerifierAcceptsGoNTLMSSP(t *testing.T) {
	v := StartNTLMVerifier(t, map[string]string{"ferryalice": "Alice-pw1"})
	o := StartOrigin(t)
	sq := StartSquid(t, squidOptionsForNTLMVerifier(v))

	for _, tc := range []struct {
		password string
		want     int
	}{{"Alice-pw1", http.StatusOK}, {"Alice-pw2", http.StatusProxyAuthRequired}} {
		if got := ntlmThroughSquid(t, sq.Addr, o.URL+"/echo", negotiateMessage(t), v.Domain+`\ferryalice`, tc.password); got != tc.want {
			t.Errorf("password %q: status %d, want %d", tc.password, got, tc.want)
		}
	}
}

// squidOptionsForNTLMVerifier points a StartSquid NTLM squid at v.
// TODO: use SquidOptions' own field for it once squid.go has one; squid
// takes the last `auth_param ntlm program`, so Extra overrides the fake
// helper meanwhile (but bypasses the helper log HelperAnswers reads).
func squidOptionsForNTLMVerifier(v *NTLMVerifier) SquidOptions {
	return SquidOptions{Auth: SquidAuthNTLM, Extra: "auth_param ntlm program " + v.Program}
}

// ntlmHelper is a running helper program talking squid's helper protocol.
type ntlmHelper struct {
	in  io.Writer
	out *bufio.Reader
}

// startHelperAsProxy runs v.Program as user proxy with only proxy's group,
// the way squid starts it.
func startHelperAsProxy(t *testing.T, v *NTLMVerifier) *ntlmHelper {
	t.Helper()
	u, err := user.Lookup("proxy")
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	cmd := exec.Command(v.Program)
	cmd.Env = append(os.Environ(), v.Env...)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{uint32(gid)}}}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("helper stderr:\n%s", stderr.String())
		}
	})
	return &ntlmHelper{in: in, out: bufio.NewReader(out)}
}

func (h *ntlmHelper) send(t *testing.T, line string) string {
	t.Helper()
	if _, err := io.WriteString(h.in, line+"\n"); err != nil {
		t.Fatalf("write to helper: %v", err)
	}
	got, err := h.out.ReadString('\n')
	if err != nil {
		t.Fatalf("read from helper: %v", err)
	}
	return strings.TrimSpace(got)
}

// challenge sends a type 1 and returns the type 2 from the TT answer.
func (h *ntlmHelper) challenge(t *testing.T, negotiate []byte) []byte {
	t.Helper()
	got := h.send(t, "YR "+base64.StdEncoding.EncodeToString(negotiate))
	tok, ok := strings.CutPrefix(got, "TT ")
	if !ok {
		t.Fatalf("answer to type 1 = %q, want TT <challenge>", got)
	}
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		t.Fatalf("challenge %q: %v", tok, err)
	}
	return b
}

func negotiateMessage(t *testing.T) []byte {
	t.Helper()
	m, err := ntlmssp.NewNegotiateMessage("", "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// requestTarget sets NTLMSSP_REQUEST_TARGET (MS-NLMP 2.2.2.5) in a type 1:
// Samba adds target info to its challenge only when it is set.
func requestTarget(m []byte) []byte {
	m = append([]byte(nil), m...)
	binary.LittleEndian.PutUint32(m[12:], binary.LittleEndian.Uint32(m[12:])|0x4)
	return m
}

// targetInfo decodes a type 2's AV pairs (MS-NLMP 2.2.2.1): id to value,
// strings decoded from UTF-16LE, the timestamp as hex.
func targetInfo(t *testing.T, m []byte) map[uint16]string {
	t.Helper()
	if len(m) < 48 || string(m[:8]) != "NTLMSSP\x00" || binary.LittleEndian.Uint32(m[8:]) != 2 {
		t.Fatalf("not an NTLM type 2 message: %x", m)
	}
	if flags := binary.LittleEndian.Uint32(m[20:]); flags&0x00800000 == 0 {
		t.Fatalf("challenge flags %#x lack NTLMSSP_NEGOTIATE_TARGET_INFO", flags)
	}
	n, off := int(binary.LittleEndian.Uint16(m[40:])), int(binary.LittleEndian.Uint32(m[44:]))
	if n == 0 || off+n > len(m) {
		t.Fatalf("challenge target info at %d+%d in %d bytes", off, n, len(m))
	}
	info := m[off : off+n]
	out := map[uint16]string{}
	for len(info) >= 4 {
		id, l := binary.LittleEndian.Uint16(info), int(binary.LittleEndian.Uint16(info[2:]))
		if id == 0 || 4+l > len(info) {
			break
		}
		val := info[4 : 4+l]
		if id == 7 {
			out[id] = fmt.Sprintf("%x", val)
		} else {
			u := make([]uint16, len(val)/2)
			for i := range u {
				u[i] = binary.LittleEndian.Uint16(val[2*i:])
			}
			out[id] = string(utf16.Decode(u))
		}
		info = info[4+l:]
	}
	return out
}

// ntlmThroughSquid does the three NTLM legs on one connection to squid
// (negotiate is the type 1 message to send; go-ntlmssp answers the
// challenge) and returns the status of the last one.
func ntlmThroughSquid(t *testing.T, squidAddr, target string, negotiate []byte, user, password string) int {
	t.Helper()
	conn, err := net.Dial("tcp", squidAddr)
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
	resp := send("NTLM " + base64.StdEncoding.EncodeToString(negotiate))
	if resp.StatusCode != http.StatusProxyAuthRequired {
		t.Fatalf("type 1: status %d, want 407", resp.StatusCode)
	}
	var challenge []byte
	for _, v := range resp.Header.Values("Proxy-Authenticate") {
		if tok, ok := strings.CutPrefix(v, "NTLM "); ok {
			if challenge, err = base64.StdEncoding.DecodeString(tok); err != nil {
				t.Fatalf("challenge %q: %v", v, err)
			}
		}
	}
	if challenge == nil {
		t.Fatalf("no NTLM challenge in %q", resp.Header.Values("Proxy-Authenticate"))
	}
	am, err := ntlmssp.NewAuthenticateMessage(challenge, user, password, nil)
	if err != nil {
		t.Fatalf("go-ntlmssp refuses the challenge: %v", err)
	}
	return send("NTLM " + base64.StdEncoding.EncodeToString(am)).StatusCode
}
