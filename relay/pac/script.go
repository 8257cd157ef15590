package pac

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// goja hands regular expressions that Go's linear-time regexp cannot run
// (backreferences, lookaround) to regexp2, which backtracks and does not
// see goja's interrupt: /^(a+)+\1b$/ against "aaaa...!" runs for hours. A
// match timeout bounds it; goja treats a timed-out match as no match. The
// knob is process-wide, set before any goroutine can compile a pattern,
// and goja is regexp2's only user in ferry.
func init() {
	regexp2.DefaultMatchTimeout = regexpTimeout
}

// ErrTimeout is wrapped by the error of an evaluation that ran past
// Options.Timeout (an endless loop, or DNS lookups that hang).
var ErrTimeout = errors.New("pac evaluation timed out")

// Options configures a Script. The zero value is ready for production.
type Options struct {
	// Name names the script in error messages (its URL or path); default "proxy.pac".
	Name string
	// Resolver answers the DNS helpers; nil means net.DefaultResolver.
	Resolver Resolver
	// LocalIPs answers myIpAddress and myIpAddressEx; nil means the
	// addresses of the interfaces carrying the default routes, falling back
	// to all interface addresses.
	LocalIPs func() ([]net.IP, error)
	// Now is the clock of weekdayRange, dateRange, timeRange and of the
	// result cache; nil means time.Now.
	Now func() time.Time
	// Logger receives alert() messages; nil means slog.Default().
	Logger *slog.Logger
	// Timeout bounds one evaluation, DNS lookups included; default 1s.
	Timeout time.Duration
	// CacheTTL is how long a result is reused for a URL the script would
	// see identically: the same http URL, or the same scheme, host and port
	// of an https URL; default 30s, negative disables the cache.
	CacheTTL time.Duration
}

const (
	defaultTimeout  = time.Second
	defaultCacheTTL = 30 * time.Second
	// maxCacheEntries bounds the cache against a client that visits
	// millions of host names; it is swept, then emptied, when full.
	maxCacheEntries = 8192
	// maxCachedURL bounds the http URLs kept as cache keys (8192 of them
	// fill 16 MB at most); a longer URL is evaluated every time.
	maxCachedURL = 2048
	// maxCallStack turns runaway recursion into a RangeError long before it
	// eats memory.
	maxCallStack = 10000
	// interruptGrace is how long an interrupted evaluation gets to unwind
	// before its caller stops waiting for it.
	interruptGrace = 100 * time.Millisecond
	// regexpTimeout bounds one backtracking regexp match (see init).
	regexpTimeout = time.Second
)

// Script is a compiled PAC file. It is safe for concurrent use: each
// evaluation borrows a goja runtime from a small pool, since a runtime is
// not goroutine-safe, and the program is compiled only once.
type Script struct {
	opt   Options
	name  string
	prog  *goja.Program
	entry string // "FindProxyForURLEx" when defined, else "FindProxyForURL"
	funcs []string
	pool  chan *vm

	mu    sync.RWMutex
	cache map[cacheKey]cacheEntry
}

// cacheKey is everything a cached answer depends on: the URL the script
// sees (for https, scheme and host:port as written; for http, the whole
// URL, since a rule may look at the path) and the host name.
type cacheKey struct {
	scheme, authority, host string
	url                     string // the whole URL for http; empty for https
}

type cacheEntry struct {
	proxies []Proxy
	err     error
	expires time.Time
}

// vm is one runtime with the script loaded. ctx is the context of the
// evaluation in progress, read by the DNS helpers.
type vm struct {
	rt  *goja.Runtime
	fn  goja.Callable
	ctx context.Context
}

// Parse decodes and compiles a PAC file and runs its top level once. src may
// be UTF-8, UTF-16 with a byte-order mark, or Windows-1252. A syntax error
// names the line; a file that defines neither FindProxyForURL nor
// FindProxyForURLEx is an error.
func Parse(src []byte, opt Options) (*Script, error) {
	if opt.Resolver == nil {
		opt.Resolver = net.DefaultResolver
	}
	if opt.LocalIPs == nil {
		opt.LocalIPs = defaultLocalIPs
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Timeout <= 0 {
		opt.Timeout = defaultTimeout
	}
	if opt.CacheTTL == 0 {
		opt.CacheTTL = defaultCacheTTL
	}
	name := opt.Name
	if name == "" {
		name = "proxy.pac"
	}
	text, err := decode(src)
	if err != nil {
		return nil, fmt.Errorf("pac file %s: %w", name, err)
	}
	// Source maps off: goja would otherwise read any local file a
	// "//# sourceMappingURL=" comment names, and a PAC may come from a
	// hostile WPAD server.
	ast, err := goja.Parse(name, text, parser.WithDisableSourceMaps)
	if err != nil {
		return nil, fmt.Errorf("pac file %s: %w; fix the PAC file", name, syntaxError(err))
	}
	prog, err := goja.CompileAST(ast, false)
	if err != nil {
		return nil, fmt.Errorf("pac file %s: %w; fix the PAC file", name, syntaxError(err))
	}
	s := &Script{
		opt:   opt,
		name:  name,
		prog:  prog,
		funcs: calledHelpers(ast),
		pool:  make(chan *vm, runtime.GOMAXPROCS(0)+2),
		cache: map[cacheKey]cacheEntry{},
	}
	ctx, cancel := context.WithTimeoutCause(context.Background(), opt.Timeout, ErrTimeout)
	defer cancel()
	v, err := s.newVM(ctx)
	if err != nil {
		return nil, err
	}
	s.pool <- v
	return s, nil
}

// syntaxError drops goja's "SyntaxError: " prefix wrapper noise but keeps
// the "name: Line L:C message" text that says where.
func syntaxError(err error) error {
	var ce *goja.CompilerSyntaxError
	if errors.As(err, &ce) {
		return fmt.Errorf("syntax error: %s", strings.TrimPrefix(ce.Message, "SyntaxError: "))
	}
	return err
}

// newVM makes a runtime, registers the helpers and runs the top level.
func (s *Script) newVM(ctx context.Context) (*vm, error) {
	v := &vm{rt: goja.New()}
	v.rt.SetMaxCallStackSize(maxCallStack)
	s.register(v)
	if _, err := s.guard(ctx, v, func() (goja.Value, error) { return v.rt.RunProgram(s.prog) }); err != nil {
		return nil, fmt.Errorf("pac file %s: running its top level: %w", s.name, err)
	}
	if s.entry == "" {
		// Only Parse gets here, before the Script is shared.
		for _, entry := range []string{"FindProxyForURLEx", "FindProxyForURL"} {
			if _, ok := goja.AssertFunction(v.rt.Get(entry)); ok {
				s.entry = entry
				break
			}
		}
		if s.entry == "" {
			return nil, fmt.Errorf("pac file %s defines no function FindProxyForURL or FindProxyForURLEx; is it a PAC file?", s.name)
		}
	}
	fn, ok := goja.AssertFunction(v.rt.Get(s.entry))
	if !ok {
		return nil, fmt.Errorf("pac file %s: %s is not a function after running the file's top level", s.name, s.entry)
	}
	v.fn = fn
	return v, nil
}

// guard runs f on its own goroutine and enforces ctx's deadline: goja
// checks for an interrupt between instructions, but not inside Go code it
// calls (a backtracking regexp2 match, a huge String.prototype.repeat), so
// the caller stops waiting after interruptGrace and the runtime is
// abandoned to finish alone. Once interrupted, a runtime is never reused (it
// may hold half-updated globals); guard then returns an error and the
// caller drops it.
func (s *Script) guard(ctx context.Context, v *vm, f func() (goja.Value, error)) (goja.Value, error) {
	type result struct {
		val goja.Value
		err error
	}
	done := make(chan result, 1)
	go func() {
		v.ctx = ctx
		val, err := runRecovered(f)
		v.ctx = nil
		done <- result{val, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		v.rt.Interrupt(ErrTimeout)
		select {
		case r = <-done:
		case <-time.After(interruptGrace):
		}
	}
	if ctx.Err() != nil {
		// Also when a result arrived: it may rest on DNS lookups the
		// deadline cut short, which read as "does not resolve".
		if cause := context.Cause(ctx); !errors.Is(cause, ErrTimeout) {
			// The caller's cancellation or deadline, not ours.
			return nil, cause
		}
		return nil, fmt.Errorf("%w: no answer within %v (an endless loop or hanging DNS lookups in the PAC file?); fix the PAC file or raise the timeout", ErrTimeout, s.opt.Timeout)
	}
	val, err := r.val, r.err
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return nil, fmt.Errorf("RangeError: call stack deeper than %d (runaway recursion?)%s", maxCallStack, so.Error())
	}
	return val, err
}

// errPanic marks an evaluation that panicked inside goja or a helper; the
// runtime is then dropped, and the proxy process keeps running.
var errPanic = errors.New("pac engine panicked")

func runRecovered(f func() (goja.Value, error)) (val goja.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			val, err = nil, fmt.Errorf("%w: %v; please report this PAC file", errPanic, r)
		}
	}()
	return f()
}

func (s *Script) get(ctx context.Context) (*vm, error) {
	select {
	case v := <-s.pool:
		return v, nil
	default:
		return s.newVM(ctx)
	}
}

func (s *Script) put(v *vm) {
	select {
	case s.pool <- v:
	default:
	}
}

// Functions returns the PAC helper functions the script calls, sorted, for
// `ferry pac check`.
func (s *Script) Functions() []string {
	return slices.Clone(s.funcs)
}

// FindProxy evaluates the script for rawURL and returns the proxies in the
// order to try them. host is the URL's host name; when empty it is taken
// from rawURL. For https URLs the script sees only scheme, host and port, as
// in Chromium: a PAC file must not learn paths and queries of encrypted
// requests. Results are cached for Options.CacheTTL per URL the script
// sees: per http URL (a rule may look at the path, and browsers evaluate
// each one), per scheme, host and port for https. The returned slice
// belongs to the caller.
func (s *Script) FindProxy(ctx context.Context, rawURL, host string) ([]Proxy, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("pac: %q is not an absolute URL", rawURL)
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = authority[i+1:] // user info never reaches the PAC
	}
	if host == "" {
		host = hostOf(authority)
		if host == "" {
			return nil, fmt.Errorf("pac: no host in URL %q", rawURL)
		}
	}
	// Host names are case-insensitive; browsers hand PAC files lower case.
	// ToLower returns its argument when there is nothing to change, so the
	// key costs no allocation on the hot path.
	key := cacheKey{scheme: strings.ToLower(scheme), authority: strings.ToLower(authority), host: strings.ToLower(host)}
	host = key.host
	opaque := key.scheme == "https" || key.scheme == "wss"
	if !opaque {
		key.url = rawURL
	}
	cache := s.opt.CacheTTL > 0 && len(key.url) <= maxCachedURL
	now := s.opt.Now()
	if cache {
		s.mu.RLock()
		e, hit := s.cache[key]
		s.mu.RUnlock()
		if hit && now.Before(e.expires) {
			return slices.Clone(e.proxies), e.err
		}
	}
	if opaque {
		rawURL = key.scheme + "://" + authority + "/"
	}
	proxies, err := s.eval(ctx, rawURL, host)
	if cache && ctx.Err() == nil {
		s.store(key, cacheEntry{proxies: proxies, err: err, expires: now.Add(s.opt.CacheTTL)}, now)
	}
	return slices.Clone(proxies), err
}

// hostOf returns the host of an authority (host, host:port, [v6]:port)
// without the cost of url.Parse on the cache-hit path.
func hostOf(authority string) string {
	if strings.HasPrefix(authority, "[") {
		if end := strings.IndexByte(authority, ']'); end > 0 {
			return authority[1:end]
		}
		return ""
	}
	if i := strings.LastIndexByte(authority, ':'); i >= 0 {
		return authority[:i]
	}
	return authority
}

func (s *Script) store(key cacheKey, e cacheEntry, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.cache) >= maxCacheEntries {
		for k, old := range s.cache {
			if !now.Before(old.expires) {
				delete(s.cache, k)
			}
		}
		if len(s.cache) >= maxCacheEntries {
			clear(s.cache)
		}
	}
	s.cache[key] = e
}

func (s *Script) eval(ctx context.Context, rawURL, host string) ([]Proxy, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, s.opt.Timeout, ErrTimeout)
	defer cancel()
	v, err := s.get(ctx)
	if err != nil {
		return nil, err
	}
	val, err := s.guard(ctx, v, func() (goja.Value, error) {
		return v.fn(goja.Undefined(), v.rt.ToValue(rawURL), v.rt.ToValue(host))
	})
	if err != nil {
		if !errors.Is(err, ErrTimeout) && !errors.Is(err, errPanic) && ctx.Err() == nil {
			s.put(v)
		}
		var ex *goja.Exception
		if errors.As(err, &ex) {
			return nil, fmt.Errorf("pac file %s: %s(%q) threw %s; fix the PAC file", s.name, s.entry, rawURL, strings.TrimSpace(ex.Error()))
		}
		return nil, fmt.Errorf("pac file %s: %s(%q): %w", s.name, s.entry, rawURL, err)
	}
	// Read the value before the runtime goes back to the pool.
	str, isString := val.Export().(string)
	what := describe(val)
	s.put(v)
	if !isString {
		return nil, fmt.Errorf("pac file %s: %s(%q) returned %s instead of a string like \"PROXY host:port; DIRECT\"; fix the PAC file", s.name, s.entry, rawURL, what)
	}
	proxies, err := ParseResult(str)
	if err != nil {
		return nil, fmt.Errorf("pac file %s: %s(%q): %w", s.name, s.entry, rawURL, err)
	}
	return proxies, nil
}

// describe names a non-string result without calling into JS: an object's
// toString could throw or loop outside the evaluation's guard.
func describe(val goja.Value) string {
	switch {
	case val == nil || goja.IsUndefined(val):
		return "undefined"
	case goja.IsNull(val):
		return "null"
	}
	if _, isObject := val.(*goja.Object); isObject {
		return "an object"
	}
	return val.String()
}
