package pac

import (
	"context"
	"testing"
	"time"
)

// FuzzPACEval feeds arbitrary scripts and URLs through Parse and FindProxy:
// nothing may panic, and no evaluation may outlive its timeout by much.
func FuzzPACEval(f *testing.F) {
	// Small seeds on purpose: the fuzzer minimizes every new input, and
	// minimizing a copy of a 3 KB PAC file eats the whole CI budget. The
	// committed corpus in testdata/fuzz/FuzzPACEval holds more.
	for _, src := range []string{
		directPAC,
		`function FindProxyForURL(u, h) { while (true) {} }`,
		`function FindProxyForURL(u, h) { return FindProxyForURL(u, h); }`,
		`function FindProxyForURLEx(u, h) { return dnsResolveEx(h) + sortIpAddressList(myIpAddressEx()); }`,
		`function FindProxyForURL(u, h) { return dateRange(1, "JAN", 2026, 31, "DEC", 2026, "GMT") ? "PROXY a" : "DIRECT"; }`,
		`function FindProxyForURL(u, h) { return shExpMatch(u, "*?*?*") + timeRange(22, 6) + weekdayRange("SAT", "MON"); }`,
		`function FindProxyForURL(u, h) { return isInNet(h, "10.0.0.0", "255.0.0.0") ? "SOCKS5 [::1]:1080" : "HTTPS h"; }`,
		`for (;;) {}`,
		`function FindProxyForURL(u, h) { alert(u); return {toString: function () { throw 1; }}; }`,
	} {
		f.Add([]byte(src), "http://host.example:8080/path?q")
	}
	f.Fuzz(func(t *testing.T, src []byte, rawURL string) {
		opt := testOptions()
		opt.Timeout = 100 * time.Millisecond
		opt.Logger = discardLogger
		start := time.Now()
		s, err := Parse(src, opt)
		if d := time.Since(start); d > opt.Timeout+2*time.Second {
			t.Fatalf("Parse took %v with a %v timeout", d, opt.Timeout)
		}
		if err != nil {
			return
		}
		start = time.Now()
		proxies, err := s.FindProxy(context.Background(), rawURL, "")
		if d := time.Since(start); d > 2*opt.Timeout+2*time.Second {
			t.Fatalf("FindProxy took %v with a %v timeout", d, opt.Timeout)
		}
		if err == nil && len(proxies) == 0 {
			t.Fatal("no proxies and no error")
		}
		s.Functions()
	})
}
