package auth

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
	"sync"

	"github.com/icholy/digest"
)

// digestScheme is HTTP Digest (RFC 7616, and RFC 2617 servers). A nonce
// and its count live with the connection they are used on when the Target
// names one (Target.Conn), else per parent: a nonce shared by parallel
// connections has its counts reach the parent out of order.
type digestScheme struct {
	user, password string
	// cnonce makes client nonces; tests replace it to reproduce the RFC
	// examples.
	cnonce func() string

	mu     sync.Mutex
	nonces map[string]*digestNonce // by Target.Proxy
}

// digestNonce is a parent's current challenge and how often its nonce was
// used.
type digestNonce struct {
	chal digest.Challenge
	nc   int
	// sessCnonce is the cnonce fixed for this nonce under a -sess algorithm,
	// whose session key H(A1) is computed once per nonce (RFC 7616 3.4.2).
	sessCnonce string
}

// NewDigest returns the Digest scheme for user and password.
func NewDigest(user, password string) Scheme {
	return &digestScheme{
		user:     user,
		password: password,
		cnonce:   randomCnonce,
		nonces:   make(map[string]*digestNonce),
	}
}

func randomCnonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

func (*digestScheme) Name() string        { return SchemeDigest }
func (*digestScheme) PerConnection() bool { return false }

func (d *digestScheme) NewSession(proxy string) (Session, error) {
	return &digestSession{d: d, proxy: proxy}, nil
}

type digestSession struct {
	d     *digestScheme
	proxy string
	// sentNonce is the nonce of the last header this session sent;
	// answered reports that it answered a challenge it received.
	sentNonce string
	answered  bool
	stales    int
}

// maxStale bounds stale=true answers in one exchange, so a parent that
// never accepts a nonce cannot keep the relay looping.
const maxStale = 3

func (s *digestSession) Step(t Target, ch *Challenge) (Step, error) {
	key := t.Proxy
	if key == "" {
		key = s.proxy
	}
	if ch == nil {
		h, nonce, err := s.d.answer(key, t, nil)
		if err != nil {
			return Step{}, err
		}
		s.sentNonce = nonce
		return Step{Header: h, Final: true}, nil
	}
	chal := digestChallenge(ch)
	if chal.Stale {
		s.stales++
		if s.stales > maxStale {
			return Step{}, fmt.Errorf("digest to %s: parent answered stale=true %d times in one exchange", key, s.stales)
		}
	}
	if s.sentNonce != "" && !chal.Stale {
		// A preemptive header used a nonce remembered from another
		// connection; a fresh nonce in reply means the parent forgot it
		// (restart, expiry without stale=true), not that it checked the
		// password. Answer that once. Anything else is a refusal.
		if s.answered || chal.Nonce == s.sentNonce {
			s.d.forget(key, t.Conn)
			return Step{}, fmt.Errorf("digest to %s (realm %q): %w", key, chal.Realm, ErrRejected)
		}
	}
	h, nonce, err := s.d.answer(key, t, &chal)
	if err != nil {
		return Step{}, err
	}
	s.sentNonce = nonce
	s.answered = true
	return Step{Header: h, Final: true}, nil
}

// digestChallenge converts ferry's parsed challenge to the library's type.
func digestChallenge(ch *Challenge) digest.Challenge {
	p := ch.Params
	c := digest.Challenge{
		Realm:     p["realm"],
		Nonce:     p["nonce"],
		Opaque:    p["opaque"],
		Algorithm: p["algorithm"],
		Charset:   p["charset"],
		Stale:     strings.EqualFold(p["stale"], "true"),
		Userhash:  strings.EqualFold(p["userhash"], "true"),
	}
	if d := p["domain"]; d != "" {
		c.Domain = strings.Fields(d)
	}
	for _, q := range strings.Split(p["qop"], ",") {
		if q = strings.TrimSpace(q); q != "" {
			c.QOP = append(c.QOP, strings.ToLower(q))
		}
	}
	return c
}

func (d *digestScheme) forget(key string, conn *ConnState) {
	d.mu.Lock()
	if conn != nil {
		conn.digest = nil
	} else {
		delete(d.nonces, key)
	}
	d.mu.Unlock()
}

// answer computes the header for t. With chal it first adopts chal's nonce
// for the parent key; without, it uses the parent's remembered nonce or
// returns ErrNeedChallenge. It returns the nonce it used.
func (d *digestScheme) answer(key string, t Target, chal *digest.Challenge) (string, string, error) {
	if chal != nil {
		if chal.Nonce == "" {
			return "", "", fmt.Errorf("digest challenge from %s has no nonce", key)
		}
		if _, err := digestHash(chal.Algorithm); err != nil {
			return "", "", fmt.Errorf("digest challenge from %s: %w", key, err)
		}
		if len(chal.QOP) > 0 && !chal.SupportsQOP("auth") {
			// auth-int signs the body, which the relay streams and has not
			// read when it computes the header.
			return "", "", fmt.Errorf("digest challenge from %s offers qop %q; ferry supports only auth", key, strings.Join(chal.QOP, ","))
		}
	}
	d.mu.Lock()
	st := d.nonces[key]
	if t.Conn != nil {
		st = t.Conn.digest
	}
	if chal != nil && (st == nil || st.chal.Nonce != chal.Nonce || st.chal.Realm != chal.Realm) {
		st = &digestNonce{chal: *chal}
		if t.Conn != nil {
			t.Conn.digest = st
		} else {
			d.nonces[key] = st
		}
	}
	if st == nil {
		d.mu.Unlock()
		return "", "", fmt.Errorf("digest to %s: %w", key, ErrNeedChallenge)
	}
	st.nc++
	c := st.chal
	nc := st.nc
	sess := strings.HasSuffix(strings.ToUpper(c.Algorithm), "-SESS")
	cnonce := st.sessCnonce
	if cnonce == "" {
		cnonce = d.cnonce()
		if sess {
			st.sessCnonce = cnonce
		}
	}
	d.mu.Unlock()

	h, err := d.compute(c, nc, cnonce, t)
	if err != nil {
		return "", "", fmt.Errorf("digest to %s: %w", key, err)
	}
	return h, c.Nonce, nil
}

// compute signs t under c with the library; only -sess algorithms need our
// help, since the library knows the base hashes only.
func (d *digestScheme) compute(c digest.Challenge, nc int, cnonce string, t Target) (string, error) {
	if len(c.QOP) > 0 {
		// Choose auth even when auth-int is listed first.
		c.QOP = []string{"auth"}
	}
	opts := digest.Options{
		Method:   t.Method,
		URI:      t.URI,
		Count:    nc,
		Username: d.user,
		Password: d.password,
		Cnonce:   cnonce,
	}
	alg := c.Algorithm
	if base, ok := strings.CutSuffix(strings.ToUpper(alg), "-SESS"); ok {
		if len(c.QOP) == 0 {
			return "", fmt.Errorf("algorithm %s without qop is not supported", alg)
		}
		h, err := digestHash(base)
		if err != nil {
			return "", err
		}
		// RFC 7616 3.4.2: A1 = H(user:realm:pass):nonce:cnonce.
		opts.A1 = hashJoin(h, hashJoin(h, d.user, c.Realm, d.password), c.Nonce, cnonce)
		c.Algorithm = base
	}
	cred, err := digest.Digest(&c, opts)
	if err != nil {
		return "", err
	}
	cred.Algorithm = alg
	return cred.String(), nil
}

func digestHash(alg string) (hash.Hash, error) {
	base, _ := strings.CutSuffix(strings.ToUpper(alg), "-SESS")
	switch base {
	case "", "MD5":
		return md5.New(), nil
	case "SHA-256":
		return sha256.New(), nil
	case "SHA-512-256":
		return sha512.New512_256(), nil
	}
	return nil, fmt.Errorf("digest algorithm %q is not supported", alg)
}

func hashJoin(h hash.Hash, parts ...string) string {
	h.Reset()
	h.Write([]byte(strings.Join(parts, ":")))
	return hex.EncodeToString(h.Sum(nil))
}
