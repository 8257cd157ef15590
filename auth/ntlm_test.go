package auth

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	ntlmssp "github.com/Azure/go-ntlmssp"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// ntlmFlagsSamba are the flags Samba 4.17 answers go-ntlmssp's negotiate
// message with: Unicode, request target, NTLM, always sign, target type
// domain, extended session security, target info, version, 128, 56.
const ntlmFlagsSamba = 0xe28a8215 &^ ntlmFlagKeyExch

func newTestNTLM(t *testing.T, cfg Config) *ntlmScheme {
	t.Helper()
	s, err := NewNTLM(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*ntlmScheme)
}

func ntlmToken(t testing.TB, header string) []byte {
	t.Helper()
	tok, ok := strings.CutPrefix(header, "NTLM ")
	if !ok {
		t.Fatalf("header %q is not NTLM", header)
	}
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ntlmChallengeFor(msg []byte) *Challenge {
	return &Challenge{Scheme: SchemeNTLM, Token: base64.StdEncoding.EncodeToString(msg)}
}

func TestNTLMNegotiateLeg(t *testing.T) {
	s := newTestNTLM(t, Config{User: `Domain\User`, Password: vecPassword, Workstation: "WS1"})
	if s.Name() != SchemeNTLM || !s.PerConnection() {
		t.Fatalf("Name() = %q, PerConnection() = %v", s.Name(), s.PerConnection())
	}
	sess, _ := s.NewSession("proxy")
	st, err := sess.Step(Target{Proxy: "proxy"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Final {
		t.Error("negotiate leg is Final; it always draws a challenge")
	}
	msg := ntlmToken(t, st.Header)
	if !bytes.Equal(msg[:8], ntlmSignature) || binary.LittleEndian.Uint32(msg[8:]) != 1 {
		t.Fatalf("not a NEGOTIATE message: %x", msg)
	}
	// The client's own domain and workstation stay out of it.
	const oemDomainSupplied, oemWorkstationSupplied = 0x1000, 0x2000
	if f := binary.LittleEndian.Uint32(msg[12:]); f&(oemDomainSupplied|oemWorkstationSupplied) != 0 || len(msg) != 40 {
		t.Errorf("negotiate message carries domain or workstation: flags %#x, %d bytes", f, len(msg))
	}
	// Without REQUEST_TARGET Samba's challenge carries no target info.
	if f := binary.LittleEndian.Uint32(msg[12:]); f&flagRequestTarget == 0 {
		t.Errorf("negotiate message does not request the target: flags %#x", f)
	}
}

// TestNTLMAuthenticateVerifies checks what goes on the wire: the type 3 our
// scheme sends for a known type 2 decodes, names the right user and domain,
// and its NTLMv2 response verifies against the password.
func TestNTLMAuthenticateVerifies(t *testing.T) {
	stamp := fileTime(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	ti := avPairs(2, utf16le("Domain"), 1, utf16le("Server"), 7, stamp)
	server := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	challenge := makeChallenge(ntlmFlagsSamba, server, ti)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"domain in user", Config{User: `Domain\User`, Password: vecPassword, Workstation: "WS1"}},
		{"domain apart", Config{User: "User", Domain: "Domain", Password: vecPassword, Workstation: "WS1"}},
		{"user@realm", Config{User: "User@Domain", Password: vecPassword, Workstation: "WS1"}},
		{"NT hash", Config{User: `Domain\User`, NTHash: ntowfv1(vecPassword), Workstation: "WS1"}},
	}
	want := ntowfv2(ntowfv1(vecPassword), vecUser, vecDomain)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sess, _ := newTestNTLM(t, tt.cfg).NewSession("proxy")
			if _, err := sess.Step(Target{Proxy: "proxy"}, nil); err != nil {
				t.Fatal(err)
			}
			st, err := sess.Step(Target{Proxy: "proxy"}, ntlmChallengeFor(challenge))
			if err != nil {
				t.Fatal(err)
			}
			if !st.Final {
				t.Error("authenticate leg not Final")
			}
			a := mustParseAuthenticate(t, ntlmToken(t, st.Header))
			if a.user != vecUser || a.domain != vecDomain || a.workstation != "WS1" {
				t.Errorf("user %q domain %q workstation %q", a.user, a.domain, a.workstation)
			}
			if !verifyNTLMv2(want, server[:], a.nt) {
				t.Errorf("NTLMv2 response does not verify: %x", a.nt)
			}
			if verifyNTLMv2(ntowfv2(ntowfv1("wrong"), vecUser, vecDomain), server[:], a.nt) {
				t.Error("NTLMv2 response verifies with a wrong password")
			}
			// The blob carries the server's timestamp and its target info.
			blob := a.nt[16:]
			if !bytes.Equal(blob[8:16], stamp) || !bytes.Contains(blob, ti) {
				t.Errorf("blob %x lacks the server's timestamp or target info", blob)
			}
		})
	}
}

func TestNTLMAnswersChallengeWithoutTargetInfo(t *testing.T) {
	// Captured from squid 5.7's ntlm_fake_auth: TargetName's offset is
	// 0xaaaaaaae and there is no target info; go-ntlmssp refuses it.
	raw, err := os.ReadFile("testdata/ntlm_fake_auth_challenge.b64")
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(string(raw))
	msg, _ := decodeToken(tok)
	if _, err := ntlmssp.NewAuthenticateMessage(msg, `Domain\User`, vecPassword, nil); err == nil {
		t.Error("go-ntlmssp now accepts ntlm_fake_auth's challenge: this test no longer exercises buildNTLMv2Authenticate")
	}
	s := newTestNTLM(t, Config{User: `Domain\User`, Password: vecPassword})
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	s.clientChallenge = func() [8]byte { return vecClientChallenge }
	sess, _ := s.NewSession("proxy")
	st, err := sess.Step(Target{Proxy: "proxy"}, &Challenge{Scheme: SchemeNTLM, Token: tok})
	if err != nil {
		t.Fatalf("challenge without target info: %v", err)
	}
	c, _ := parseNTLMChallenge(msg)
	a := mustParseAuthenticate(t, ntlmToken(t, st.Header))
	nt2 := ntowfv2(ntowfv1(vecPassword), vecUser, vecDomain)
	if !verifyNTLMv2(nt2, c.serverChallenge[:], a.nt) {
		t.Errorf("NTLMv2 response does not verify: %x", a.nt)
	}
	if !bytes.Equal(a.lm, lmv2Response(nt2, c.serverChallenge[:], vecClientChallenge)) {
		t.Errorf("LMv2 response %x", a.lm)
	}
	blob := a.nt[16:]
	if !bytes.Equal(blob[8:16], fileTime(now)) || !bytes.Equal(blob[28:], make([]byte, 8)) {
		t.Errorf("blob %x: want our clock and an AV list of just MsvAvEOL", blob)
	}
}

// TestNTLMWithSquidFakeAuthHelper runs the handshake against squid's
// ntlm_fake_auth helper on its stdin protocol. The helper accepts any
// password, so this proves only that it takes our messages.
func TestNTLMWithSquidFakeAuthHelper(t *testing.T) {
	const helper = "/usr/lib/squid/ntlm_fake_auth"
	testenv.SkipUnderWine(t, "squid's ntlm_fake_auth is a Linux program, which a Windows test binary cannot start")
	if _, err := os.Stat(helper); err != nil {
		t.Skip("squid's ntlm_fake_auth is not installed")
	}
	cmd := exec.Command(helper)
	in, _ := cmd.StdinPipe()
	outPipe, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	out := bufio.NewReader(outPipe)
	ask := func(line string) string {
		t.Helper()
		fmt.Fprintln(in, line)
		reply, err := out.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(reply)
	}

	sess, _ := newTestNTLM(t, Config{User: `CORP\alice`, Password: "pw"}).NewSession("proxy")
	st, err := sess.Step(Target{Proxy: "proxy"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reply := ask("YR " + strings.TrimPrefix(st.Header, "NTLM "))
	tok, ok := strings.CutPrefix(reply, "TT ")
	if !ok {
		t.Fatalf("helper answered the negotiate message with %q", reply)
	}
	st, err = sess.Step(Target{Proxy: "proxy"}, &Challenge{Scheme: SchemeNTLM, Token: tok})
	if err != nil {
		t.Fatalf("answering ntlm_fake_auth's challenge: %v", err)
	}
	reply = ask("KK " + strings.TrimPrefix(st.Header, "NTLM "))
	t.Logf("ntlm_fake_auth: %s", reply)
	if !strings.HasPrefix(reply, "AF ") || !strings.Contains(reply, "alice") {
		t.Errorf("helper answered the authenticate message with %q, want AF ... alice", reply)
	}
}

func TestNTLMStateMachine(t *testing.T) {
	challenge := makeChallenge(ntlmFlagsSamba, [8]byte{9}, avPairs(2, utf16le("D")))
	bare := &Challenge{Scheme: SchemeNTLM}
	tgt := Target{Proxy: "proxy"}
	s := newTestNTLM(t, Config{User: `D\u`, Password: "pw"})

	t.Run("bare challenge first draws negotiate", func(t *testing.T) {
		sess, _ := s.NewSession("proxy")
		st, err := sess.Step(tgt, bare)
		if err != nil || st.Final || binary.LittleEndian.Uint32(ntlmToken(t, st.Header)[8:]) != 1 {
			t.Fatalf("Step = %+v, %v; want a negotiate message", st, err)
		}
	})
	t.Run("bare challenge after authenticate is a rejection", func(t *testing.T) {
		sess, _ := s.NewSession("proxy")
		sess.Step(tgt, nil)
		if _, err := sess.Step(tgt, ntlmChallengeFor(challenge)); err != nil {
			t.Fatal(err)
		}
		if _, err := sess.Step(tgt, bare); !errors.Is(err, ErrRejected) {
			t.Errorf("err = %v, want ErrRejected", err)
		}
	})
	t.Run("bare challenge after negotiate is an error, not a rejection", func(t *testing.T) {
		sess, _ := s.NewSession("proxy")
		sess.Step(tgt, nil)
		if _, err := sess.Step(tgt, bare); err == nil || errors.Is(err, ErrRejected) {
			t.Errorf("err = %v, want a non-rejection error", err)
		}
	})
	t.Run("unpadded token", func(t *testing.T) {
		sess, _ := s.NewSession("proxy")
		sess.Step(tgt, nil)
		tok := strings.TrimRight(base64.StdEncoding.EncodeToString(challenge), "=")
		if _, err := sess.Step(tgt, &Challenge{Scheme: SchemeNTLM, Token: tok}); err != nil {
			t.Error(err)
		}
	})
}

func TestNTLMMalformedChallenge(t *testing.T) {
	const password = "S3cret-pw"
	hash := ntowfv1(password)
	s := newTestNTLM(t, Config{User: `D\u`, Password: password})
	good := makeChallenge(ntlmFlagsSamba, [8]byte{9}, avPairs(2, utf16le("D")))
	for name, tok := range map[string]string{
		"not base64":    "!!!",
		"short":         base64.StdEncoding.EncodeToString(good[:20]),
		"type 1":        base64.StdEncoding.EncodeToString(append(append([]byte("NTLMSSP\x00"), 1, 0, 0, 0), good[12:]...)),
		"lm key":        base64.StdEncoding.EncodeToString(makeChallenge(ntlmFlagsSamba|ntlmFlagLMKey, [8]byte{}, nil)),
		"garbage bytes": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 64)),
	} {
		sess, _ := s.NewSession("proxy")
		sess.Step(Target{Proxy: "proxy"}, nil)
		_, err := sess.Step(Target{Proxy: "proxy"}, &Challenge{Scheme: SchemeNTLM, Token: tok})
		if err == nil || errors.Is(err, ErrRejected) {
			t.Errorf("%s: err = %v, want a non-rejection error", name, err)
			continue
		}
		msg := strings.ToLower(err.Error())
		if strings.Contains(msg, strings.ToLower(password)) || strings.Contains(msg, hex.EncodeToString(hash)) {
			t.Errorf("%s: error leaks the secret: %v", name, err)
		}
	}
}

func TestNewNTLMConfig(t *testing.T) {
	if _, err := NewNTLM(Config{Password: "pw"}); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("no user: err = %v, want ErrNoCredentials", err)
	}
	if _, err := NewNTLM(Config{User: "u"}); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("no secret: err = %v, want ErrNoCredentials", err)
	}
	if _, err := NewNTLM(Config{User: "u", NTHash: []byte{1, 2, 3}}); err == nil {
		t.Error("short NT hash accepted")
	}
}

func FuzzNTLMChallenge(f *testing.F) {
	fake, _ := base64.StdEncoding.DecodeString("TlRMTVNTUAACAAAACQAJAK6qqqoBgoigsYpHZGxx4y8AAAAAAAA6AFdPUktHUk9VUA==")
	v424, _ := hex.DecodeString(vecChallenge424)
	good := makeChallenge(ntlmFlagsSamba, [8]byte{1}, avPairs(2, utf16le("D"), 7, make([]byte, 8)))
	for _, seed := range [][]byte{fake, v424, good, good[:47], good[:50], makeChallenge(ntlmFlagsSamba, [8]byte{}, []byte{7, 0, 0xff, 0xff})} {
		f.Add(seed)
	}
	const password = "fuzz-password"
	s, err := NewNTLM(Config{User: `D\u`, Password: password})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		sess, _ := s.NewSession("proxy")
		if _, err := sess.Step(Target{Proxy: "proxy"}, nil); err != nil {
			t.Fatal(err)
		}
		st, err := sess.Step(Target{Proxy: "proxy"}, ntlmChallengeFor(msg))
		if err != nil {
			if errors.Is(err, ErrRejected) || strings.Contains(err.Error(), password) {
				t.Fatalf("bad error for %x: %v", msg, err)
			}
			return
		}
		a, err := parseAuthenticate(ntlmToken(t, st.Header))
		if err != nil || a.user != "u" || a.domain != "D" {
			t.Fatalf("answer to %x does not decode: %+v %v", msg, a, err)
		}
	})
}

// TestNTLMWithCntlmNTLMv2Key logs on with nothing but cntlm's PassNTLMv2:
// the response verifies with MS-NLMP's NTOWFv2 for the domain that the
// message names, which is the upper-cased one.
func TestNTLMWithCntlmNTLMv2Key(t *testing.T) {
	// cntlm 0.92.3 prints PassNTLMv2 0C71015B7525950556A51BB9961A9CB4 for
	// User, Domain, Password; credentials.ParseCntlmHash reads it as this
	// key (credentials.TestCntlmFormIsComplement checks that).
	v := struct{ user, domain, password string }{"User", "Domain", "Password"}
	key, err := hex.DecodeString("f38efea48ada6afaa95ae44669e5634b")
	if err != nil {
		t.Fatal(err)
	}
	server := [8]byte{8, 7, 6, 5, 4, 3, 2, 1}
	challenges := map[string][]byte{
		"with target info":    makeChallenge(ntlmFlagsSamba, server, avPairs(2, utf16le("DOMAIN"), 7, fileTime(vecTime0))),
		"without target info": makeChallenge(ntlmFlagsSamba&^ntlmFlagTargetInfo, server, nil),
	}
	for name, ch := range challenges {
		t.Run(name, func(t *testing.T) {
			a, err := New(Config{Scheme: "ntlm", User: v.user, Domain: v.domain, NTLMv2Hash: key})
			if err != nil {
				t.Fatal(err)
			}
			sess, _ := a.Fixed().NewSession("proxy")
			if _, err := sess.Step(Target{Proxy: "proxy"}, nil); err != nil {
				t.Fatal(err)
			}
			st, err := sess.Step(Target{Proxy: "proxy"}, ntlmChallengeFor(ch))
			if err != nil {
				t.Fatal(err)
			}
			m := mustParseAuthenticate(t, ntlmToken(t, st.Header))
			if m.user != "User" || m.domain != "DOMAIN" {
				t.Errorf("user %q domain %q, want User and DOMAIN", m.user, m.domain)
			}
			want := ntowfv2(ntowfv1(v.password), "User", "DOMAIN")
			if !verifyNTLMv2(want, server[:], m.nt) {
				t.Errorf("NTLMv2 response does not verify with the password's key")
			}
		})
	}
	if _, err := NewNTLM(Config{User: "u", NTLMv2Hash: []byte{1}}); err == nil {
		t.Error("short NTLMv2 key accepted")
	}
}
