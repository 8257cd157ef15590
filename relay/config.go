package relay

import (
	"context"
	"log/slog"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay/report"
	"github.com/ferryproxy/ferry/relay/route"
)

// The values of Config.PACFallback (package route has their meaning).
const (
	PACFallbackParents = route.FallbackParents
	PACFallbackDirect  = route.FallbackDirect
	PACFallbackFail    = route.FallbackFail
)

// Config is everything a Server needs. The config package builds it from the TOML
// file, flags and environment; the relay never reads files itself.
type Config struct {
	// Listen holds the addresses of the HTTP proxy listeners
	// (default 127.0.0.1:3128).
	Listen []string
	// SOCKS5 holds the addresses of SOCKS5 listeners (CONNECT only).
	SOCKS5 []string
	// Tunnels are fixed port forwards (cntlm's -L): every connection to
	// Listen is tunneled to Target through the parents.
	Tunnels []Tunnel
	// Allow and Deny are the client addresses (CIDRs or IPs) that may, or
	// may not, use a listener reachable from other machines. Loopback
	// clients are always allowed; a non-loopback listener needs Allow.
	Allow, Deny []string
	// Parents are the parent proxies as host:port, tried in order.
	Parents []string
	// NoProxy holds patterns for hosts reached directly: "localhost",
	// "*.corp.example", ".corp.example", "10.0.0.0/8", "127.0.0.*".
	NoProxy []string

	// PAC, when set, routes by a PAC file: an http(s) or file URL, or a
	// path. no_proxy still goes first.
	PAC string
	// PACFallback is what happens when the PAC cannot be fetched or
	// evaluated: PACFallbackParents (the default when Parents is set),
	// PACFallbackDirect, or PACFallbackFail (the default otherwise).
	PACFallback string
	// PACRefresh is how often the PAC is fetched again (5m); a network
	// change fetches it at once.
	PACRefresh time.Duration
	// AllowHosts are proxies beyond Parents that may receive credentials
	// when a PAC names them: host names, domain suffixes, IPs, CIDRs. Any
	// other proxy gets none, so a hostile PAC cannot harvest the password.
	AllowHosts []string

	// Headers are set on every request to a parent (and on CONNECT), replacing
	// the app's value, as cntlm's Header option does (a User-Agent the
	// parent demands, say).
	Headers map[string]string
	// DirectFallback lets requests go directly when no parent can be
	// reached at all (home without VPN). Off by default: logged when used.
	DirectFallback bool

	// Auth answers the parents' challenges; nil means no credentials.
	Auth *auth.Authenticator
	// Guard holds the lockout state; nil gets one from Auth's
	// LockoutCooldown, kept in LockoutState when that is set. A reload
	// with a nil Guard keeps the running one, so rests of unchanged
	// credentials hold across reloads.
	Guard *auth.Guard
	// LockoutState is the file that keeps rested credentials (as salted
	// scrypt fingerprints, never the secret) and what each parent offered
	// across restarts; "" keeps them in memory only. The caller picks it
	// (ferry: the user's state directory).
	LockoutState string

	// Timeouts; zero picks the default in parentheses.
	ConnectTimeout        time.Duration // dialing a parent or origin (10s)
	ResponseHeaderTimeout time.Duration // waiting for a parent's response head (60s)
	PoolIdleTimeout       time.Duration // an idle authenticated connection is kept (60s)
	ClientIdleTimeout     time.Duration // an idle client keep-alive connection (120s)
	ReadHeaderTimeout     time.Duration // a client's request head (30s)
	ShutdownTimeout       time.Duration // draining on stop (10s)
	// TunnelIdleTimeout closes a CONNECT tunnel or upgraded connection
	// that carried nothing either way for this long (zero: never).
	TunnelIdleTimeout time.Duration
	// MaxConns bounds the app connections served at once (4096); past it,
	// new connections get a 503 that says why.
	MaxConns int
	// MaxHeaderBytes bounds an app's request line and headers (64 KiB);
	// past it the app gets 431.
	MaxHeaderBytes int
	// MaxIdlePerParent bounds the idle pool per parent (256): enough for
	// a build tool's burst of parallel connections to find them again.
	MaxIdlePerParent int
	// SpareConnections bounds the spare connections per parent, made
	// ready before an app asks so that a new tunnel opens in one round
	// trip (4); negative turns spares off.
	SpareConnections int

	// NetworkChanges reports network changes; nil polls the interfaces
	// every 3 s (internal/netwatch). Tests inject their own.
	NetworkChanges ChangeSource

	// Notify, when set, hears of what the user must act on though no app
	// may show it: a new rest of rejected credentials (once per rest: not
	// again for a reload, a restart or further requests within it), and a
	// missing Kerberos ticket with no password or Windows single sign-on
	// that gets no credentials (once until a request is served again). It
	// runs on the request's goroutine and must not block.
	Notify func(Event)

	// ChangePassword, when set, checks a new password typed into the
	// status page with one logon (a GET of testURL, "" for the default
	// page) and stores it (ferry wires `ferry password`'s code here); the
	// page offers the form while credentials rest. nil offers no form.
	ChangePassword func(ctx context.Context, password, testURL string) report.PasswordResult
	// CheckURL, when set, runs doctor's checks for one URL with the words
	// in lang (the status page's "test a URL" box); nil offers no box.
	CheckURL func(ctx context.Context, lang, rawURL string) report.URLCheck

	// Logger receives the relay's logs; nil means slog.Default().
	Logger *slog.Logger
	// Version is shown in Via-like headers and error pages.
	Version string
}

// Tunnel is one fixed port forward.
type Tunnel struct {
	Listen string // local address, e.g. 127.0.0.1:2222
	Target string // host:port reached through the parents, e.g. git.corp.example:22
}
