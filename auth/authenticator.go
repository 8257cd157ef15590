package auth

import (
	"errors"
	"fmt"
)

// Authenticator holds the schemes that the configured credentials can
// answer, and picks among those a parent offers.
type Authenticator struct {
	cfg     Config
	fixed   string   // "auto", "none" or one scheme name
	schemes []Scheme // usable schemes, strongest first
	// material is the secret the Guard fingerprints (see secretMaterial).
	material []byte
}

// strength orders schemes strongest first.
var strength = []string{SchemeNegotiate, SchemeNTLM, SchemeDigest, SchemeBasic}

// New builds the schemes that cfg's credentials allow. A Kerberos setup that
// cannot be used yet (no ticket cache) does not fail: Negotiate then falls
// back to NTLM at request time, and a later kinit is picked up.
func New(cfg Config) (*Authenticator, error) {
	fixed, err := cfg.normalScheme()
	if err != nil {
		return nil, err
	}
	a := &Authenticator{cfg: cfg, fixed: fixed, material: cfg.secretMaterial()}
	if fixed == "none" {
		return a, nil
	}
	hasSecret := cfg.Password != "" || len(cfg.NTHash) > 0 || len(cfg.NTLMv2Hash) > 0
	for _, name := range strength {
		if fixed != "auto" && fixed != name {
			continue
		}
		var s Scheme
		var err error
		if sso := sspiSchemes(cfg)[name]; sso != nil {
			// Windows with no secret configured: the logged-on user's
			// single sign-on answers Negotiate and NTLM.
			a.schemes = append(a.schemes, sso)
			continue
		}
		switch name {
		case SchemeNegotiate:
			s, err = NewNegotiate(cfg)
		case SchemeNTLM:
			if cfg.User == "" || !hasSecret {
				err = ErrNoCredentials
				break
			}
			s, err = NewNTLM(cfg)
		case SchemeDigest, SchemeBasic:
			if cfg.User == "" || cfg.Password == "" {
				err = ErrNoCredentials
				break
			}
			if name == SchemeDigest {
				s = NewDigest(cfg.User, cfg.Password)
			} else {
				s = NewBasic(cfg.User, cfg.Password)
			}
		}
		if errors.Is(err, ErrNoCredentials) && fixed == "auto" {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("auth scheme %s: %w", name, err)
		}
		a.schemes = append(a.schemes, s)
	}
	return a, nil
}

// NewWithSchemes uses the given schemes, strongest first, instead of those
// cfg's credentials allow; cfg still names the identity and the lockout
// cool-down, and fingerprints the secret for the Guard. It is for a program
// with a Scheme of its own, and for tests that make a scheme fail as only
// another OS can (Windows single sign-on's ErrSSOUnavailable on Linux).
func NewWithSchemes(cfg Config, schemes ...Scheme) *Authenticator {
	return &Authenticator{cfg: cfg, fixed: "auto", schemes: schemes, material: cfg.secretMaterial()}
}

// secretMaterial is what tells these credentials from others of the same
// identity, for the Guard's fingerprints.
func (a *Authenticator) secretMaterial() []byte {
	if a == nil {
		return nil
	}
	return a.material
}

// Config returns the configuration the Authenticator was built from.
func (a *Authenticator) Config() Config { return a.cfg }

// Identity names the credentials (user and domain), never the secret.
func (a *Authenticator) Identity() string {
	if a == nil {
		return ""
	}
	return a.cfg.Identity()
}

// Enabled reports whether ferry has any credentials to offer.
func (a *Authenticator) Enabled() bool { return a != nil && len(a.schemes) > 0 }

// Fixed returns the scheme the config names, or nil in auto mode: a fixed
// scheme can speak first, before any probe.
func (a *Authenticator) Fixed() Scheme {
	if a == nil || a.fixed == "auto" || len(a.schemes) == 0 {
		return nil
	}
	return a.schemes[0]
}

// Candidates returns the usable schemes that the parent offers, strongest
// first, each with its challenge.
func (a *Authenticator) Candidates(offered []Challenge) []Candidate {
	var out []Candidate
	if a == nil {
		return nil
	}
	for _, s := range a.schemes {
		for i := range offered {
			if offered[i].Scheme == s.Name() {
				out = append(out, Candidate{Scheme: s, Challenge: offered[i]})
				break
			}
		}
	}
	return out
}

// Candidate is a scheme the parent offered, with the challenge it sent.
type Candidate struct {
	Scheme    Scheme
	Challenge Challenge
}

// Names lists the schemes ferry could answer, for messages.
func (a *Authenticator) Names() []string {
	var out []string
	if a == nil {
		return nil
	}
	for _, s := range a.schemes {
		out = append(out, s.Name())
	}
	return out
}

// Close stops the schemes' background work (Kerberos ticket renewal). The
// relay calls it when a reload replaces the Authenticator.
func (a *Authenticator) Close() error {
	if a == nil {
		return nil
	}
	for _, s := range a.schemes {
		if c, ok := s.(interface{ Close() error }); ok {
			_ = c.Close()
		}
	}
	return nil
}
