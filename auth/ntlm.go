package auth

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	ntlmssp "github.com/Azure/go-ntlmssp"
)

// ntlmScheme is NTLMv2 over NTLMSSP (MS-NLMP). Its three legs authenticate
// one TCP connection, so each Session belongs to one connection.
type ntlmScheme struct {
	user, domain string
	workstation  string
	// ntHash stands in for the password from construction on, so the
	// password itself is never kept nor passed around.
	ntHash []byte
	// ntlmv2Key, when set instead of ntHash, is NTOWFv2 itself (cntlm's
	// PassNTLMv2); go-ntlmssp cannot use it, so ferry's own builder answers.
	ntlmv2Key []byte
	// legacy answers with NTLMv1 (Config.LegacyNTLM); lmHash feeds its LM
	// response when known.
	legacy bool
	lmHash []byte
	// now and clientChallenge feed buildNTLMv2Authenticate; tests fix them.
	now             func() time.Time
	clientChallenge func() [8]byte
}

// NewNTLM returns the NTLM scheme for cfg's user (alice with cfg.Domain,
// DOMAIN\alice or alice@REALM) and cfg.Password, or else cfg.NTHash, or
// else cfg.NTLMv2Hash.
func NewNTLM(cfg Config) (Scheme, error) {
	user, domain := SplitUser(cfg.User, cfg.Domain)
	if user == "" {
		return nil, fmt.Errorf("ntlm: no user: %w", ErrNoCredentials)
	}
	s := &ntlmScheme{
		user:            user,
		domain:          domain,
		workstation:     cfg.Workstation,
		now:             time.Now,
		clientChallenge: randomClientChallenge,
	}
	switch {
	case cfg.Password != "":
		s.ntHash = ntowfv1(cfg.Password)
	case len(cfg.NTHash) == 16:
		s.ntHash = append([]byte(nil), cfg.NTHash...)
	case len(cfg.NTHash) > 0:
		return nil, fmt.Errorf("ntlm: NT hash is %d bytes, want 16", len(cfg.NTHash))
	case len(cfg.NTLMv2Hash) == 16:
		s.ntlmv2Key = append([]byte(nil), cfg.NTLMv2Hash...)
		// cntlm's key is NTOWFv2 for the upper-cased domain (see
		// cntlmNTLMv2Key); the server recomputes it from the domain the
		// AUTHENTICATE message names, so that one must be upper-cased too.
		s.domain = strings.ToUpper(domain)
	case len(cfg.NTLMv2Hash) > 0:
		return nil, fmt.Errorf("ntlm: NTLMv2 hash is %d bytes, want 16", len(cfg.NTLMv2Hash))
	default:
		return nil, fmt.Errorf("ntlm: no password or NT hash for %s: %w", cfg.Identity(), ErrNoCredentials)
	}
	if cfg.LegacyNTLM {
		if s.ntHash == nil {
			return nil, errors.New("ntlm: legacy_ntlm needs the password or pass_nt: an NTLMv2 key cannot make an NTLMv1 response")
		}
		s.legacy = true
		switch {
		case len(cfg.LMHash) == 16:
			s.lmHash = append([]byte(nil), cfg.LMHash...)
		case cfg.Password != "" && len(cfg.Password) <= 14:
			// LM truncates longer passwords: its hash would not match.
			s.lmHash = lmowfv1(cfg.Password)
		}
	}
	return s, nil
}

func randomClientChallenge() [8]byte {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return b
}

func (*ntlmScheme) Name() string        { return SchemeNTLM }
func (*ntlmScheme) PerConnection() bool { return true }

func (s *ntlmScheme) NewSession(proxy string) (Session, error) {
	return &ntlmSession{s: s, proxy: proxy}, nil
}

type ntlmState int

const (
	ntlmStart ntlmState = iota
	ntlmSentNegotiate
	ntlmSentAuthenticate
)

type ntlmSession struct {
	s     *ntlmScheme
	proxy string
	state ntlmState
}

func (n *ntlmSession) Step(t Target, ch *Challenge) (Step, error) {
	proxy := t.Proxy
	if proxy == "" {
		proxy = n.proxy
	}
	if n.state == ntlmSentAuthenticate {
		if ch == nil {
			return Step{}, fmt.Errorf("ntlm to %s: exchange already complete", proxy)
		}
		// The parent answers a refused type 3 with a bare "NTLM" (or a
		// fresh challenge): either way it has judged the credentials.
		return Step{}, fmt.Errorf("ntlm to %s as %s: %w", proxy, n.s.identity(), ErrRejected)
	}
	if ch == nil || ch.Token == "" {
		if ch != nil && n.state == ntlmSentNegotiate {
			return Step{}, fmt.Errorf("ntlm to %s: parent answered the negotiate message without a challenge", proxy)
		}
		// MS-NLMP 3.1.5.1.1: the client's domain and workstation are
		// optional in the negotiate message; some servers take them for
		// the user's, so leave them out.
		msg, err := ntlmssp.NewNegotiateMessage("", "")
		if err != nil {
			return Step{}, fmt.Errorf("ntlm: negotiate message: %w", err)
		}
		requestTarget(msg)
		n.state = ntlmSentNegotiate
		return Step{Header: SchemeNTLM + " " + base64.StdEncoding.EncodeToString(msg)}, nil
	}
	msg, err := decodeToken(ch.Token)
	if err != nil {
		return Step{}, fmt.Errorf("ntlm challenge from %s: %w", proxy, err)
	}
	auth, err := n.s.authenticate(msg)
	if err != nil {
		return Step{}, fmt.Errorf("ntlm challenge from %s: %w", proxy, err)
	}
	n.state = ntlmSentAuthenticate
	return Step{Header: SchemeNTLM + " " + base64.StdEncoding.EncodeToString(auth), Final: true}, nil
}

// authenticate answers a type 2 message with a type 3.
func (s *ntlmScheme) authenticate(challenge []byte) ([]byte, error) {
	user := s.user
	if s.domain != "" {
		user = s.domain + `\` + s.user
	}
	if s.legacy {
		c, err := parseNTLMChallenge(challenge)
		if err != nil {
			return nil, fmt.Errorf("malformed type 2 message: %w", err)
		}
		return buildNTLMv1Authenticate(c, s.ntHash, s.lmHash, ntlmv2Input{
			user: s.user, domain: s.domain, workstation: s.workstation, clientChallenge: s.clientChallenge(),
		})
	}
	ntowf2 := s.ntlmv2Key
	var libErr error
	if ntowf2 == nil {
		// PasswordHashed takes the NT hash in hex; ours is always valid
		// hex, so no hex error can echo part of the secret.
		var msg []byte
		msg, libErr = ntlmssp.NewAuthenticateMessage(challenge, user, hex.EncodeToString(s.ntHash),
			&ntlmssp.AuthenticateMessageOptions{WorkstationName: s.workstation, PasswordHashed: true})
		if libErr == nil {
			return msg, nil
		}
		ntowf2 = ntowfv2(s.ntHash, s.user, s.domain)
	}
	// go-ntlmssp rejects challenges with unreadable optional fields; see
	// buildNTLMv2Authenticate for what ferry answers instead.
	c, err := parseNTLMChallenge(challenge)
	if err != nil {
		return nil, fmt.Errorf("malformed type 2 message: %w", err)
	}
	msg, err := buildNTLMv2Authenticate(c, ntlmv2Input{
		ntowf2:          ntowf2,
		user:            s.user,
		domain:          s.domain,
		workstation:     s.workstation,
		now:             s.now(),
		clientChallenge: s.clientChallenge(),
	})
	if err != nil && libErr != nil {
		return nil, fmt.Errorf("%w (go-ntlmssp: %v)", err, libErr)
	}
	return msg, err
}

func (s *ntlmScheme) identity() string {
	if s.domain == "" {
		return s.user
	}
	return s.domain + `\` + s.user
}

// decodeToken decodes a token68 blob, with or without base64 padding.
func decodeToken(tok string) ([]byte, error) {
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(tok, "="))
	if err != nil {
		return nil, fmt.Errorf("token is not base64: %w", err)
	}
	return b, nil
}

// flagRequestTarget is NTLMSSP_REQUEST_TARGET (MS-NLMP 2.2.2.5).
const flagRequestTarget = 0x00000004

// requestTarget sets NTLMSSP_REQUEST_TARGET in a negotiate message, as
// Windows, curl and cntlm do: without it Samba (and so squid's ntlm_auth)
// sends a challenge without target info, and the NTLMv2 blob then lacks the
// server's timestamp and names. go-ntlmssp leaves the flag out.
func requestTarget(msg []byte) {
	if len(msg) >= 16 {
		f := binary.LittleEndian.Uint32(msg[12:16])
		binary.LittleEndian.PutUint32(msg[12:16], f|flagRequestTarget)
	}
}
