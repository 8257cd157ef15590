package auth

import (
	"encoding/base64"
	"fmt"
)

// basic is RFC 7617 Basic: the credentials go with every request, so a
// session sends them first and never needs the challenge.
type basic struct {
	header string
}

// NewBasic returns the Basic scheme for user (sent as given, DOMAIN\user
// included) and password.
func NewBasic(user, password string) Scheme {
	return &basic{header: "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}
}

func (*basic) Name() string        { return SchemeBasic }
func (*basic) PerConnection() bool { return false }

func (b *basic) NewSession(string) (Session, error) {
	return &basicSession{header: b.header}, nil
}

type basicSession struct {
	header string
	sent   bool
}

func (s *basicSession) Step(t Target, ch *Challenge) (Step, error) {
	if ch != nil && s.sent {
		// Basic has nothing else to offer: a 407 after the credentials
		// went out is the parent refusing them.
		return Step{}, fmt.Errorf("basic to %s: %w", t.Proxy, ErrRejected)
	}
	s.sent = true
	return Step{Header: s.header, Final: true}, nil
}
