package auth

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"github.com/jcmturner/gokrb5/v8/spnego"
)

// Negotiate answers "Proxy-Authenticate: Negotiate" with a Kerberos ticket
// wrapped in SPNEGO (RFC 4559). It authenticates the connection, like NTLM:
// squid ties a Negotiate logon to the TCP connection it arrived on.
//
// It speaks Kerberos only. A parent that offers Negotiate to get NTLM inside
// SPNEGO is answered by the NTLM scheme instead, which the relay falls back
// to when Step fails with ErrNoCredentials.
type Negotiate struct {
	src ticketSource
}

// NewNegotiate prepares Kerberos from cfg without contacting a KDC. It fails
// with ErrNoCredentials only when nothing could ever work (no usable
// krb5.conf and no password or keytab). With a krb5.conf and no ticket yet
// it succeeds: Step then fails with ErrKerberosNoTicket (which wraps
// ErrNoCredentials) until a kinit writes the cache.
func NewNegotiate(cfg Config) (Scheme, error) {
	src, err := newKrb5Source(cfg, krb5Env{getenv: os.Getenv, uid: os.Getuid()})
	if err != nil {
		return nil, err
	}
	return &Negotiate{src: src}, nil
}

// Name implements Scheme.
func (n *Negotiate) Name() string { return SchemeNegotiate }

// PerConnection implements Scheme.
func (n *Negotiate) PerConnection() bool { return true }

// NewSession implements Scheme.
func (n *Negotiate) NewSession(proxy string) (Session, error) {
	return &negotiateSession{src: n.src, proxy: proxy}, nil
}

// Close stops the background renewal of a TGT obtained with a password or
// keytab. The Scheme must not be used afterwards.
func (n *Negotiate) Close() error {
	n.src.close()
	return nil
}

type negotiateSession struct {
	src   ticketSource
	proxy string
	spn   string // the SPN of the token last sent, "" before
}

// Step implements Session. The first leg carries the ticket and is final:
// Kerberos needs one round trip. A 407 after it means the parent refused
// the ticket.
func (s *negotiateSession) Step(t Target, ch *Challenge) (Step, error) {
	host := t.Proxy
	if host == "" {
		host = s.proxy
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	spn := "HTTP/" + host
	if ch != nil && s.spn != "" {
		return Step{}, s.refused(host, ch)
	}
	b, err := s.src.token(spn)
	if err != nil {
		return Step{}, err
	}
	s.spn = spn
	return Step{Header: SchemeNegotiate + " " + base64.StdEncoding.EncodeToString(b), Final: true}, nil
}

// refused explains a 407 that answers our ticket. A bare "Negotiate" is
// squid's (and IIS's) way to say the ticket did not verify; a token may be
// a SPNEGO reject, or a request to continue that Kerberos never needs.
func (s *negotiateSession) refused(host string, ch *Challenge) error {
	e := &KerberosError{
		Op:   "authenticate to parent " + host,
		Kind: ErrKerberosTicketRefused,
		Detail: fmt.Sprintf("the parent refused our ticket for %s: its keytab may lack the current key of %s, "+
			"or its clock differs from the KDC's", s.spn, s.spn),
	}
	if ch.Token == "" {
		return e
	}
	b, err := base64.StdEncoding.DecodeString(ch.Token)
	if err != nil {
		e.Detail += "; its answer is not base64"
		return e
	}
	var tok spnego.SPNEGOToken
	if err := tok.Unmarshal(b); err != nil || !tok.Resp {
		e.Detail += "; its answer is not a SPNEGO response"
		return e
	}
	switch st := tok.NegTokenResp.State(); st {
	case spnego.NegStateReject:
		e.Detail += "; it sent a SPNEGO reject"
	default:
		e.Detail += fmt.Sprintf("; it asked to continue (SPNEGO state %d), which Kerberos does not need", st)
	}
	return e
}

// NegotiateAccepted reports whether token (base64, as in "Negotiate
// <token>") is a SPNEGO answer saying the parent accepted the ticket
// (negState accept-completed, RFC 4178 4.2.2). Apache's mod_auth_gssapi
// puts such a token, its half of mutual authentication, on every answer to
// a request it let through, a site's own 407 included: a 407 that carries
// it is no refusal of ferry's ticket.
func NegotiateAccepted(token string) bool {
	b, err := base64.StdEncoding.DecodeString(token)
	if err != nil || len(b) == 0 {
		return false
	}
	var tok spnego.SPNEGOToken
	if err := tok.Unmarshal(b); err != nil || !tok.Resp {
		return false
	}
	return tok.NegTokenResp.State() == spnego.NegStateAcceptCompleted
}
