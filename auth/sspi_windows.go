//go:build windows

package auth

import (
	"encoding/base64"
	"fmt"
	"runtime"
	"sync"

	"github.com/alexbrainman/sspi"
	"github.com/alexbrainman/sspi/negotiate"
	"github.com/alexbrainman/sspi/ntlm"
)

// sspiSchemes answers Negotiate and NTLM with the logged-on Windows user's
// own credentials through SSPI, as browsers and Px do: single sign-on with
// no password in ferry at all. It is used when the config holds no secret.
// A Windows service running as LocalSystem has no such user: that is why
// `ferry service install` defaults to a per-user logon task on Windows.
func sspiSchemes(cfg Config) map[string]Scheme {
	if cfg.Password != "" || len(cfg.NTHash) > 0 || len(cfg.NTLMv2Hash) > 0 || cfg.Keytab != "" {
		return nil
	}
	return map[string]Scheme{
		SchemeNegotiate: &sspiScheme{name: SchemeNegotiate},
		SchemeNTLM:      &sspiScheme{name: SchemeNTLM},
	}
}

type sspiScheme struct{ name string }

func (s *sspiScheme) Name() string        { return s.name }
func (s *sspiScheme) PerConnection() bool { return true }
func (s *sspiScheme) NewSession(string) (Session, error) {
	return &sspiSession{name: s.name}, nil
}

// sspiSession holds one connection's security context. SSPI handles are
// released when the handshake ends or, failing that, when the session is
// collected (Session has no Close).
type sspiSession struct {
	name     string
	h        *sspiHandles
	sent     bool // the first token went out
	finished bool // the last token went out (NTLM type 3)
}

// sspiHandles are kept apart from the session so that a cleanup can
// release them without keeping the session alive.
type sspiHandles struct {
	mu   sync.Mutex
	cred *sspi.Credentials
	nctx *negotiate.ClientContext
	lctx *ntlm.ClientContext
}

func (h *sspiHandles) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.nctx != nil {
		_ = h.nctx.Release()
		h.nctx = nil
	}
	if h.lctx != nil {
		_ = h.lctx.Release()
		h.lctx = nil
	}
	if h.cred != nil {
		_ = h.cred.Release()
		h.cred = nil
	}
}

func (s *sspiSession) release() { s.h.release() }

func (s *sspiSession) Step(t Target, ch *Challenge) (Step, error) {
	if !s.sent {
		return s.first(t)
	}
	if ch == nil || ch.Token == "" || s.finished {
		s.release()
		return Step{}, fmt.Errorf("%s single sign-on as the logged-on Windows user: %w", s.name, ErrRejected)
	}
	in, err := base64.StdEncoding.DecodeString(ch.Token)
	if err != nil {
		return Step{}, fmt.Errorf("%s challenge from %s is not base64: %w", s.name, t.Proxy, err)
	}
	var out []byte
	if s.name == SchemeNegotiate {
		var done bool
		done, out, err = s.h.nctx.Update(in)
		if done {
			s.finished = true
		}
	} else {
		out, err = s.h.lctx.Update(in)
		s.finished = true
	}
	if err != nil {
		s.release()
		return Step{}, fmt.Errorf("windows SSPI (%s) could not answer the challenge from %s: %s", s.name, t.Proxy, sspiErrorText(err))
	}
	if s.finished {
		s.release()
	}
	return Step{Header: s.name + " " + base64.StdEncoding.EncodeToString(out), Final: true}, nil
}

func (s *sspiSession) first(t Target) (Step, error) {
	var tok []byte
	var err error
	h := &sspiHandles{}
	s.h = h
	switch s.name {
	case SchemeNegotiate:
		if h.cred, err = negotiate.AcquireCurrentUserCredentials(); err == nil {
			h.nctx, tok, err = negotiate.NewClientContext(h.cred, "HTTP/"+t.Proxy)
		}
	default:
		if h.cred, err = ntlm.AcquireCurrentUserCredentials(); err == nil {
			h.lctx, tok, err = ntlm.NewClientContext(h.cred)
		}
	}
	if err != nil {
		s.release()
		return Step{}, fmt.Errorf("%s as the logged-on Windows user: SSPI: %s: %w", s.name, sspiErrorText(err), ErrSSOUnavailable)
	}
	s.sent = true
	runtime.AddCleanup(s, (*sspiHandles).release, h)
	// NTLM's negotiate message always draws a challenge; a Negotiate
	// (Kerberos) token can complete at once.
	return Step{Header: s.name + " " + base64.StdEncoding.EncodeToString(tok), Final: s.name == SchemeNegotiate}, nil
}
