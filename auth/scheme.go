package auth

import "errors"

// Names of the schemes, as they appear in Proxy-Authenticate.
const (
	SchemeNegotiate = "Negotiate"
	SchemeNTLM      = "NTLM"
	SchemeDigest    = "Digest"
	SchemeBasic     = "Basic"
)

// Challenge is one parsed Proxy-Authenticate value.
type Challenge struct {
	// Scheme is canonical: "Negotiate", "NTLM", "Digest", "Basic", or the
	// parent's spelling for schemes ferry does not know.
	Scheme string
	// Token is the token68 part (NTLM and Negotiate blobs), empty if none.
	Token string
	// Params holds auth-params with lower-cased keys and unquoted values.
	Params map[string]string
}

// Target is what a Proxy-Authorization value is computed for.
type Target struct {
	// Proxy is the parent's host name, without port; Negotiate uses it for
	// the SPN HTTP/<Proxy>.
	Proxy string
	// Method and URI are the request line's method and request-target as
	// sent to the parent (absolute-form, or host:port for CONNECT); Digest
	// signs them.
	Method string
	URI    string
	// Conn, when set, is the state schemes keep for the one connection the
	// header goes on. Digest then keeps its nonce there: the nonce counts
	// of one connection reach the parent in the order they were counted,
	// which counts shared by parallel connections do not (Apache's
	// AuthDigestNcCheck refuses those as replays). Without it, Digest
	// shares a nonce per parent.
	Conn *ConnState
}

// ConnState is what schemes keep for one connection to a parent. The relay
// holds one per connection and moves it to the connection that replaces it
// in the middle of an exchange; it is used by one exchange at a time.
type ConnState struct {
	digest *digestNonce
}

// Step is one leg of an exchange.
type Step struct {
	// Header is the Proxy-Authorization value to send.
	Header string
	// Final reports that this leg can complete the exchange, so the relay
	// sends the request body with it. NTLM's negotiate message is not final:
	// it always draws a challenge, so that leg goes with Content-Length: 0.
	Final bool
}

// Scheme is one configured way of authenticating to parents.
type Scheme interface {
	// Name is the scheme's canonical name (SchemeNTLM, ...).
	Name() string
	// PerConnection reports whether a completed exchange authenticates the
	// TCP connection (NTLM, Negotiate), so later requests on it need no header.
	PerConnection() bool
	// NewSession starts the state for one exchange on one connection to the
	// parent named proxy (a host name without port).
	NewSession(proxy string) (Session, error)
}

// Session runs one exchange.
type Session interface {
	// Step returns the next leg. ch is nil for the first leg, sent before any
	// challenge; a Session that cannot speak first returns ErrNeedChallenge.
	// After a 407 ch is the parent's challenge for this scheme. A challenge
	// that means the credentials were refused yields an error wrapping
	// ErrRejected.
	Step(t Target, ch *Challenge) (Step, error)
}

var (
	// ErrRejected means the parent refused the credentials. The relay reports
	// it to the Guard and does not retry.
	ErrRejected = errors.New("credentials rejected")
	// ErrNeedChallenge means the scheme cannot send anything before it has
	// seen the parent's challenge (Digest without a nonce).
	ErrNeedChallenge = errors.New("scheme needs a challenge first")
	// ErrNoCredentials means nothing is configured that this scheme can use.
	ErrNoCredentials = errors.New("no credentials for this scheme")
	// ErrUnsupported means the parent offered nothing ferry can answer.
	ErrUnsupported = errors.New("no supported authentication scheme offered")
)
