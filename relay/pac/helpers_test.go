package pac

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// fakeResolver answers from a table; names not in it do not resolve.
type fakeResolver map[string][]string

func (f fakeResolver) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	var out []net.IP
	for _, s := range f[strings.ToLower(host)] {
		ip := net.ParseIP(s)
		if network == "ip4" && ip.To4() == nil {
			continue
		}
		if network == "ip6" && ip.To4() != nil {
			continue
		}
		out = append(out, ip)
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return out, nil
}

var testResolver = fakeResolver{
	"www.netscape.com":  {"198.95.249.79"},
	"intranet.corp.com": {"10.1.2.3", "fd00::3"},
	"v6only.corp.com":   {"2001:db8::80"},
	"dual.example.com":  {"192.0.2.10", "2001:db8::10"},
	"www.example.com":   {"93.184.216.34"},
}

func testLocalIPs() ([]net.IP, error) {
	return []net.IP{net.ParseIP("2001:db8::5"), net.ParseIP("10.20.30.40")}, nil
}

// testNow is a Wednesday in local time and in UTC: 2026-11-25 10:30:15.
var testNow = time.Date(2026, time.November, 25, 10, 30, 15, 0, time.UTC)

func testOptions() Options {
	return Options{
		Resolver: testResolver,
		LocalIPs: testLocalIPs,
		Now:      func() time.Time { return testNow },
		Timeout:  2 * time.Second,
	}
}

const directPAC = `function FindProxyForURL(url, host) { return "DIRECT"; }`

// evalJS runs expr in a runtime of a script built with opt and returns the
// exported result; the helpers are reached exactly as a PAC file reaches them.
func evalJS(t *testing.T, opt Options, expr string) any {
	t.Helper()
	s, err := Parse([]byte(directPAC), opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), opt.Timeout)
	defer cancel()
	v, err := s.get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	val, err := s.guard(ctx, v, func() (goja.Value, error) { return v.rt.RunString(expr) })
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return val.Export()
}

// jsCase is one helper call and the value it must return.
type jsCase struct {
	expr string
	want any
}

func runJSCases(t *testing.T, opt Options, cases []jsCase) {
	t.Helper()
	for _, c := range cases {
		got := evalJS(t, opt, c.expr)
		if i, ok := got.(int64); ok {
			got = int(i)
		}
		if got != c.want {
			t.Errorf("%s = %#v, want %#v", c.expr, got, c.want)
		}
	}
}

func TestIsPlainHostName(t *testing.T) {
	runJSCases(t, testOptions(), []jsCase{
		{`isPlainHostName("www")`, true},
		{`isPlainHostName("www.netscape.com")`, false},
		{`isPlainHostName("localhost")`, true},
		{`isPlainHostName("10.0.0.1")`, false},
		{`isPlainHostName("::1")`, false},
		{`isPlainHostName("")`, true},
	})
}

func TestDnsDomainIs(t *testing.T) {
	runJSCases(t, testOptions(), []jsCase{
		{`dnsDomainIs("www.netscape.com", ".netscape.com")`, true},
		{`dnsDomainIs("www", ".netscape.com")`, false},
		{`dnsDomainIs("www.mcom.com", ".netscape.com")`, false},
		{`dnsDomainIs("WWW.NetScape.COM", ".netscape.com")`, true},
		// A plain suffix test, as the reference implementation.
		{`dnsDomainIs("xnetscape.com", "netscape.com")`, true},
		{`dnsDomainIs("netscape.com", ".netscape.com")`, false},
		{`dnsDomainIs("a.b", "")`, true},
		{`dnsDomainIs()`, true},
	})
}

func TestLocalHostOrDomainIs(t *testing.T) {
	runJSCases(t, testOptions(), []jsCase{
		// The four examples of the Netscape specification.
		{`localHostOrDomainIs("www.mcom.com", "www.mcom.com")`, true},
		{`localHostOrDomainIs("www", "www.mcom.com")`, true},
		{`localHostOrDomainIs("www.mcom.com", "home.mcom.com")`, false},
		{`localHostOrDomainIs("home.mcom.com", "www.mcom.com")`, false},
		{`localHostOrDomainIs("home", "www.mcom.com")`, false},
		{`localHostOrDomainIs("WWW", "www.mcom.com")`, true},
		{`localHostOrDomainIs("ww", "www.mcom.com")`, false},
		{`localHostOrDomainIs("", "www.mcom.com")`, false},
	})
}

func TestDnsDomainLevels(t *testing.T) {
	runJSCases(t, testOptions(), []jsCase{
		{`dnsDomainLevels("www")`, 0},
		{`dnsDomainLevels("www.netscape.com")`, 2},
		{`dnsDomainLevels("a.b.c.d.")`, 4},
		{`dnsDomainLevels("")`, 0},
	})
}

func TestShExpMatch(t *testing.T) {
	runJSCases(t, testOptions(), []jsCase{
		{`shExpMatch("http://home.netscape.com/people/ari/index.html", "*/ari/*")`, true},
		{`shExpMatch("http://home.netscape.com/people/montulli/index.html", "*/ari/*")`, false},
		{`shExpMatch("www.corp.example", "*.corp.example")`, true},
		{`shExpMatch("corp.example", "*.corp.example")`, false},
		{`shExpMatch("10.1.2.3", "10.*")`, true},
		{`shExpMatch("100.1.2.3", "10.*")`, false},
		// The dot is literal, not a regexp wildcard.
		{`shExpMatch("wwwxcorp", "www.corp")`, false},
		{`shExpMatch("host1.corp", "host?.corp")`, true},
		{`shExpMatch("host12.corp", "host?.corp")`, false},
		{`shExpMatch("", "*")`, true},
		{`shExpMatch("", "?")`, false},
		{`shExpMatch("abc", "")`, false},
		{`shExpMatch("a*c", "a*c")`, true},
		{`shExpMatch("[a]", "[a]")`, true},
		{`shExpMatch("a", "[a]")`, false},
		{`shExpMatch("abc", "a**c")`, true},
		{`shExpMatch("ABC", "abc")`, false},
		{`shExpMatch("münchen.de", "m?nchen.*")`, true},
		{`shExpMatch("https://x.example/a/b?c", "https://*.example/*")`, true},
		// Many stars against a long mismatch finish quickly.
		{`shExpMatch("` + strings.Repeat("a", 5000) + `", "` + strings.Repeat("*a", 50) + `b")`, false},
	})
}

func TestIsInNet(t *testing.T) {
	runJSCases(t, testOptions(), []jsCase{
		{`isInNet("198.95.249.79", "198.95.249.79", "255.255.255.255")`, true},
		{`isInNet("198.95.249.80", "198.95.249.79", "255.255.255.255")`, false},
		{`isInNet("198.95.6.8", "198.95.0.0", "255.255.0.0")`, true},
		{`isInNet("198.96.6.8", "198.95.0.0", "255.255.0.0")`, false},
		{`isInNet("www.netscape.com", "198.95.0.0", "255.255.0.0")`, true},
		{`isInNet("intranet.corp.com", "10.0.0.0", "255.0.0.0")`, true},
		{`isInNet("unknown.example", "0.0.0.0", "0.0.0.0")`, false},
		{`isInNet("v6only.corp.com", "0.0.0.0", "0.0.0.0")`, false},
		{`isInNet("172.16.5.1", "172.16.0.0", "255.240.0.0")`, true},
		{`isInNet("172.32.5.1", "172.16.0.0", "255.240.0.0")`, false},
		{`isInNet("10.1.2.3", "0.0.0.0", "0.0.0.0")`, true},
		// Non-contiguous masks are applied bit by bit, as Netscape's reference.
		{`isInNet("10.9.1.7", "10.0.0.7", "255.0.0.255")`, true},
		{`isInNet("10.1.2.3", "10.0.0.0", "255.0.0")`, false},
		{`isInNet("10.1.2.3", "10.0.0.0.0", "255.0.0.0")`, false},
		{`isInNet("10.1.2.3", "10.0.0.0")`, false},
		{`isInNet("::ffff:10.1.2.3", "10.0.0.0", "255.0.0.0")`, true},
	})
}

func TestDNSHelpers(t *testing.T) {
	runJSCases(t, testOptions(), []jsCase{
		{`isResolvable("www.netscape.com")`, true},
		{`isResolvable("nowhere.invalid")`, false},
		{`isResolvable("v6only.corp.com")`, false},
		{`isResolvable("10.0.0.1")`, true},
		{`isResolvable("")`, false},
		{`dnsResolve("www.netscape.com")`, "198.95.249.79"},
		{`dnsResolve("dual.example.com")`, "192.0.2.10"},
		{`dnsResolve("nowhere.invalid")`, nil},
		{`dnsResolve("v6only.corp.com")`, nil},
		{`dnsResolve("192.0.2.1")`, "192.0.2.1"},
		{`myIpAddress()`, "10.20.30.40"},
		{`isResolvableEx("v6only.corp.com")`, true},
		{`isResolvableEx("nowhere.invalid")`, false},
		{`isResolvableEx("::1")`, true},
		{`dnsResolveEx("dual.example.com")`, "192.0.2.10;2001:db8::10"},
		{`dnsResolveEx("nowhere.invalid")`, ""},
		{`myIpAddressEx()`, "10.20.30.40;2001:db8::5"},
		{`isInNetEx("10.1.2.3", "10.0.0.0/8")`, true},
		{`isInNetEx("11.1.2.3", "10.0.0.0/8")`, false},
		{`isInNetEx("intranet.corp.com", "fd00::/8")`, true},
		{`isInNetEx("v6only.corp.com", "2001:db8::/32")`, true},
		{`isInNetEx("v6only.corp.com", "2001:db9::/32")`, false},
		{`isInNetEx(myIpAddressEx(), "2001:db8::/64")`, true},
		{`isInNetEx(myIpAddressEx(), "10.20.30.0/24")`, true},
		{`isInNetEx("10.1.2.3", "10.1.2.3")`, true},
		{`isInNetEx("10.1.2.3", "10.0.0.0/33")`, false},
		{`isInNetEx("10.1.2.3", "garbage")`, false},
		{`isInNetEx("nowhere.invalid", "0.0.0.0/0")`, false},
		{`sortIpAddressList("10.2.3.9;2001:db8::2;10.2.3.10;::1;1.2.3.4")`, "::1;2001:db8::2;1.2.3.4;10.2.3.9;10.2.3.10"},
		{`sortIpAddressList("10.0.0.1")`, "10.0.0.1"},
		{`sortIpAddressList("10.0.0.1;bogus")`, false},
		{`sortIpAddressList("")`, false},
		{`getClientVersion()`, "1.0"},
	})
}

func TestMyIpAddressFallsBackToLoopback(t *testing.T) {
	opt := testOptions()
	opt.LocalIPs = func() ([]net.IP, error) { return nil, errors.New("no network") }
	runJSCases(t, opt, []jsCase{
		{`myIpAddress()`, "127.0.0.1"},
		{`myIpAddressEx()`, ""},
	})
	opt.LocalIPs = func() ([]net.IP, error) { return []net.IP{net.ParseIP("2001:db8::1")}, nil }
	runJSCases(t, opt, []jsCase{{`myIpAddress()`, "127.0.0.1"}})
}

func TestDefaultLocalIPs(t *testing.T) {
	// Whatever the machine, the default must not fail where interfaces exist
	// and must never report loopback as the machine's address.
	ips, err := defaultLocalIPs()
	if err != nil {
		t.Skipf("no interfaces: %v", err)
	}
	for _, ip := range ips {
		if ip.IsLoopback() {
			t.Errorf("defaultLocalIPs returned loopback %v", ip)
		}
	}
}

func TestDNSLookupsStopAtTheTimeout(t *testing.T) {
	opt := testOptions()
	opt.Timeout = 100 * time.Millisecond
	opt.Resolver = blockingResolver{}
	s, err := Parse([]byte(`function FindProxyForURL(url, host) {
		return isResolvable(host) ? "DIRECT" : "PROXY fallback:8080"; }`), opt)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.FindProxy(context.Background(), "http://slow.example/", "slow.example")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v with a 100ms timeout", d)
	}
}

// blockingResolver hangs until the context ends, like a dead DNS server.
type blockingResolver struct{}

func (blockingResolver) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

var discardLogger = slog.New(slog.DiscardHandler)

// TestShExpMatchAgreesWithRegexp checks the backtracking matcher against
// the regexp translation browsers use (* is .*, ? is ., the rest literal).
func TestShExpMatchAgreesWithRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(alphabet string, n int) string {
		b := make([]byte, rng.IntN(n+1))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for i := 0; i < 5000; i++ {
		str, pat := pick("ab.", 8), pick("ab.*?", 6)
		var re strings.Builder
		re.WriteString("^")
		for _, r := range pat {
			switch r {
			case '*':
				re.WriteString("(?s:.*)")
			case '?':
				re.WriteString("(?s:.)")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString("$")
		if got, want := shExpMatch(str, pat), regexp.MustCompile(re.String()).MatchString(str); got != want {
			t.Fatalf("shExpMatch(%q, %q) = %v, regexp says %v", str, pat, got, want)
		}
	}
}
