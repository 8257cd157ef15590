package pac

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func mustParse(t testing.TB, src string, opt Options) *Script {
	t.Helper()
	s, err := Parse([]byte(src), opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func find(t testing.TB, s *Script, rawURL string) string {
	t.Helper()
	proxies, err := s.FindProxy(context.Background(), rawURL, "")
	if err != nil {
		t.Fatalf("FindProxy(%q): %v", rawURL, err)
	}
	parts := make([]string, len(proxies))
	for i, p := range proxies {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

func TestParseRejects(t *testing.T) {
	cases := []struct{ name, src, wantInErr string }{
		{"syntax error names the line", "function FindProxyForURL(url, host) {\n  if (host == \"a\" {\n    return \"DIRECT\";\n  }\n}", "proxy.pac: Line 2:"},
		{"no entry point", "function findProxy(url, host) { return \"DIRECT\"; }", "defines no function FindProxyForURL"},
		{"entry point not a function", "var FindProxyForURL = \"DIRECT\";", "defines no function FindProxyForURL"},
		{"top level throws", "throw new Error(\"boom\");\nfunction FindProxyForURL(u, h) { return \"DIRECT\"; }", "boom"},
		{"empty", "", "defines no function"},
		{"html instead of pac", "<html><body>Login required</body></html>", "syntax error"},
		{"bad utf-16", "\xff\xfeA", "odd number of bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), testOptions())
			if err == nil || !strings.Contains(err.Error(), c.wantInErr) {
				t.Fatalf("Parse error = %v, want one containing %q", err, c.wantInErr)
			}
		})
	}
}

func TestParseNamesTheFile(t *testing.T) {
	opt := testOptions()
	opt.Name = "http://wpad.corp.example/wpad.dat"
	_, err := Parse([]byte("function FindProxyForURL(url, host) {\n\n  return ;;; }}"), opt)
	if err == nil || !strings.Contains(err.Error(), "http://wpad.corp.example/wpad.dat: Line 3:") {
		t.Fatalf("error = %v, want the name and line 3", err)
	}
}

func TestFindProxyForURLExIsPreferred(t *testing.T) {
	s := mustParse(t, `
		function FindProxyForURL(url, host) { return "PROXY old:1"; }
		function FindProxyForURLEx(url, host) { return "PROXY new:2; DIRECT"; }`, testOptions())
	if got := find(t, s, "http://a.example/"); got != "PROXY new:2; DIRECT" {
		t.Fatalf("got %q, want FindProxyForURLEx's answer", got)
	}
	s = mustParse(t, `function FindProxyForURLEx(url, host) { return "SOCKS5 s:1"; }`, testOptions())
	if got := find(t, s, "http://a.example/"); got != "SOCKS5 s:1" {
		t.Fatalf("got %q", got)
	}
}

func TestFindProxyArguments(t *testing.T) {
	s := mustParse(t, `function FindProxyForURL(url, host) { return "PROXY " + host + ":1; PROXY p" + url.length + ":2"; }`, testOptions())
	if got := find(t, s, "http://a.example:8080/path?q=1"); got != "PROXY a.example:1; PROXY p30:2" {
		t.Fatalf("got %q", got)
	}
	proxies, err := s.FindProxy(context.Background(), "http://ignored.example/", "given.example")
	if err != nil || proxies[0].Addr != "given.example:1" {
		t.Fatalf("explicit host: %v %v", proxies, err)
	}
	if _, err := s.FindProxy(context.Background(), "not a url", ""); err == nil {
		t.Fatal("want an error for a relative URL")
	}
}

func TestHTTPSURLsLoseTheirPath(t *testing.T) {
	// Chromium strips path and query of https URLs before the PAC sees them.
	s := mustParse(t, `function FindProxyForURL(url, host) {
		return shExpMatch(url, "*secret*") ? "PROXY leak:1" : "PROXY p:2 ; DIRECT " + "".substring(0, 0) + (url == "https://bank.example:8443/" ? "" : "junk"); }`, testOptions())
	if got := find(t, s, "https://bank.example:8443/account?secret=1"); got != "PROXY p:2; DIRECT" {
		t.Fatalf("got %q", got)
	}
}

func TestBadResults(t *testing.T) {
	cases := []struct{ body, wantInErr string }{
		{`return;`, "returned undefined"},
		{`return null;`, "returned null"},
		{`return 42;`, "returned 42"},
		{`return "";`, "no proxy"},
		{`return "FTP f:21";`, `unknown proxy type "FTP"`},
		{`throw new Error("no rule for " + host);`, "no rule for x.example"},
		{`return undefinedFunction(host);`, "ReferenceError"},
	}
	for _, c := range cases {
		s := mustParse(t, "function FindProxyForURL(url, host) { "+c.body+" }", testOptions())
		_, err := s.FindProxy(context.Background(), "http://x.example/", "")
		if err == nil || !strings.Contains(err.Error(), c.wantInErr) {
			t.Errorf("%s: error = %v, want one containing %q", c.body, err, c.wantInErr)
		}
	}
}

func TestEndlessLoopIsInterrupted(t *testing.T) {
	opt := testOptions()
	opt.Timeout = 50 * time.Millisecond
	s := mustParse(t, `function FindProxyForURL(url, host) {
		if (host == "loop.example") { while (true) {} }
		return "DIRECT"; }`, opt)
	start := time.Now()
	_, err := s.FindProxy(context.Background(), "http://loop.example/", "")
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "endless loop") {
		t.Fatalf("err = %v, want ErrTimeout naming an endless loop", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("interrupt took %v", d)
	}
	// The runtime that was interrupted is dropped; the script still works.
	for i := 0; i < 3; i++ {
		if got := find(t, s, "http://ok.example/"); got != "DIRECT" {
			t.Fatalf("after a timeout: %q", got)
		}
	}
	// A loop at the top level is interrupted too.
	_, err = Parse([]byte("for (;;) {}\nfunction FindProxyForURL(u, h) { return \"DIRECT\"; }"), opt)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("top-level loop: err = %v, want ErrTimeout", err)
	}
}

func TestCallerCancellationIsNotCached(t *testing.T) {
	s := mustParse(t, `function FindProxyForURL(url, host) { while (host == "slow.example") {} return "DIRECT"; }`, testOptions())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := s.FindProxy(ctx, "http://slow.example/", "")
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want the caller's deadline, not the script's timeout", err)
	}
	if len(s.cache) != 0 {
		t.Fatalf("a cancelled evaluation was cached: %v", s.cache)
	}
}

func TestRunawayRecursionIsAnError(t *testing.T) {
	s := mustParse(t, `function f(n) { return f(n + 1); }
		function FindProxyForURL(url, host) { return f(0); }`, testOptions())
	_, err := s.FindProxy(context.Background(), "http://x.example/", "")
	if err == nil || !strings.Contains(err.Error(), "RangeError") {
		t.Fatalf("err = %v, want a RangeError", err)
	}
}

func TestSourceMapCommentsAreNotRead(t *testing.T) {
	// goja would otherwise open the named file while parsing.
	src := "function FindProxyForURL(u, h) { return \"DIRECT\"; }\n//# sourceMappingURL=/nonexistent/dir/proxy.pac.map"
	if _, err := Parse([]byte(src), testOptions()); err != nil {
		t.Fatal(err)
	}
}

func TestCacheReusesResultsForTheTTL(t *testing.T) {
	now := testNow
	var mu sync.Mutex
	opt := testOptions()
	opt.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	opt.CacheTTL = 30 * time.Second
	var logs bytes.Buffer
	opt.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	// Each evaluation alerts, so the log counts evaluations.
	s := mustParse(t, `function FindProxyForURL(url, host) { alert("eval " + url); return "PROXY p:1"; }`, opt)
	evals := func() int { return strings.Count(logs.String(), "msg=\"pac alert\"") }

	find(t, s, "http://a.example/one")
	find(t, s, "http://a.example/one")
	find(t, s, "https://a.example/x")
	find(t, s, "https://A.EXAMPLE/y?q")
	if n := evals(); n != 2 {
		t.Fatalf("%d evaluations for one http URL and one https host, want 2", n)
	}
	find(t, s, "http://a.example/two")
	find(t, s, "http://a.example:8080/one")
	find(t, s, "https://a.example:8443/")
	find(t, s, "http://b.example/one")
	if n := evals(); n != 6 {
		t.Fatalf("%d evaluations, want 6 (an http path, a port and a host each count)", n)
	}
	mu.Lock()
	now = now.Add(31 * time.Second)
	mu.Unlock()
	find(t, s, "http://a.example/one")
	if n := evals(); n != 7 {
		t.Fatalf("%d evaluations, want 7 after the TTL", n)
	}
	if !strings.Contains(logs.String(), `message="eval http://a.example/one"`) {
		t.Errorf("alert did not reach the logger: %s", logs.String())
	}

	// The caller owns the returned slice.
	p1, _ := s.FindProxy(context.Background(), "http://c.example/", "")
	p1[0].Addr = "changed:1"
	p2, _ := s.FindProxy(context.Background(), "http://c.example/", "")
	if p2[0].Addr != "p:1" {
		t.Fatalf("cache was modified through a returned slice: %v", p2)
	}

	opt.CacheTTL = -1
	logs.Reset()
	s = mustParse(t, `function FindProxyForURL(url, host) { alert("x"); return "DIRECT"; }`, opt)
	find(t, s, "http://a.example/")
	find(t, s, "http://a.example/")
	if n := evals(); n != 2 {
		t.Fatalf("%d evaluations with the cache off, want 2", n)
	}
}

// TestCacheKeepsPathRules: a rule on the path of an http URL gives each
// path its own answer, also from the cache; an https URL's path never
// reaches the script, so one answer serves every path on that host.
func TestCacheKeepsPathRules(t *testing.T) {
	s := mustParse(t, `function FindProxyForURL(url, host) {
		if (shExpMatch(url, "*/internal/*")) return "DIRECT";
		return "PROXY p:1";
	}`, testOptions())
	for range 2 { // the second round answers from the cache
		for _, tc := range []struct{ url, want string }{
			{"http://a.example/internal/x", "DIRECT"},
			{"http://a.example/public/x", "PROXY p:1"},
			{"http://a.example/internal/y?q=1", "DIRECT"},
			{"https://a.example/internal/x", "PROXY p:1"},
			{"https://a.example/public/x", "PROXY p:1"},
		} {
			if got := find(t, s, tc.url); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.url, got, tc.want)
			}
		}
	}
	long := "http://a.example/internal/" + strings.Repeat("x", maxCachedURL)
	if got := find(t, s, long); got != "DIRECT" {
		t.Errorf("a long URL: %s, want DIRECT", got)
	}
	if _, ok := s.cache[cacheKey{scheme: "http", authority: "a.example", host: "a.example", url: long}]; ok {
		t.Error("a URL longer than maxCachedURL was cached")
	}
}

func TestCacheStaysBounded(t *testing.T) {
	s := mustParse(t, directPAC, testOptions())
	for i := 0; i < maxCacheEntries+10; i++ {
		if _, err := s.FindProxy(context.Background(), fmt.Sprintf("http://h%d.example/", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.cache); n > maxCacheEntries {
		t.Fatalf("cache holds %d entries, limit %d", n, maxCacheEntries)
	}
}

func TestConcurrentEvaluations(t *testing.T) {
	opt := testOptions()
	opt.CacheTTL = -1 // every call evaluates
	s := mustParse(t, `
		var calls = 0; // per runtime: runtimes must not be shared
		function FindProxyForURL(url, host) {
			calls++;
			var before = calls;
			for (var i = 0; i < 20; i++) { shExpMatch(host, "*.corp.example"); }
			if (calls != before) { return "PROXY race:1"; }
			if (isInNet(host, "10.0.0.0", "255.0.0.0")) return "DIRECT";
			if (dnsDomainIs(host, ".corp.example")) return "PROXY corp:8080";
			return "PROXY " + host + ":3128";
		}`, opt)
	var wg sync.WaitGroup
	var failures atomic.Int32
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				host := fmt.Sprintf("h%d-%d.example", g, i)
				want := "PROXY " + host + ":3128"
				switch i % 3 {
				case 1:
					host, want = fmt.Sprintf("10.0.%d.%d", g, i), "DIRECT"
				case 2:
					host, want = fmt.Sprintf("s%d.corp.example", i), "PROXY corp:8080"
				}
				got, err := s.FindProxy(context.Background(), "http://"+host+"/", host)
				if err != nil || got[0].String() != want {
					failures.Add(1)
					t.Errorf("%s: %v %v, want %s", host, got, err, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(s.pool); n > cap(s.pool) {
		t.Fatalf("pool holds %d runtimes", n)
	}
}

func TestFunctions(t *testing.T) {
	s := mustParse(t, `
		// shExpMatch(in a comment) does not count, nor "dnsResolve(" in a string.
		var label = "dnsResolve(";
		function isPlainHostName2(h) { return false; }
		function FindProxyForURLEx(url, host) {
			if (isPlainHostName(host) || dnsDomainIs(host, ".corp")) return "DIRECT";
			var ips = sortIpAddressList(dnsResolveEx(host));
			if (isInNetEx(ips, "10.0.0.0/8") && weekdayRange("MON", "FRI")) return "DIRECT";
			return [1].map(function () { return isInNet(myIpAddress(), "10.0.0.0", "255.0.0.0"); })[0] ? "PROXY a:1" : "DIRECT";
		}`, testOptions())
	want := []string{"dnsDomainIs", "dnsResolveEx", "isInNet", "isInNetEx", "isPlainHostName", "myIpAddress", "sortIpAddressList", "weekdayRange"}
	if got := s.Functions(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Functions() = %v, want %v", got, want)
	}
}

func TestBacktrackingRegexpCannotHang(t *testing.T) {
	// regexp2 ignores goja's interrupt; the caller must still get an answer
	// at the timeout, and the abandoned match must end (regexpTimeout).
	opt := testOptions()
	opt.Timeout = 100 * time.Millisecond
	s := mustParse(t, `function FindProxyForURL(url, host) {
		return /^(a+)+\1b$/.test("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!") ? "PROXY matched:1" : "DIRECT"; }`, opt)
	before := runtime.NumGoroutine()
	start := time.Now()
	_, err := s.FindProxy(context.Background(), "http://x.example/", "")
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("FindProxy took %v with a 100ms timeout", d)
	}
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	// regexp2 keeps a clock goroutine for 1 s past the last match deadline.
	deadline := time.Now().Add(regexpTimeout + 5*time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines, %d before: the abandoned evaluation never ended", n, before)
	}
	// With a timeout above regexpTimeout the match gives up and reads as no match.
	opt.Timeout = regexpTimeout + 2*time.Second
	s = mustParse(t, `function FindProxyForURL(url, host) {
		return /^(a+)+\1b$/.test("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!") ? "PROXY matched:1" : "DIRECT"; }`, opt)
	if got := find(t, s, "http://x.example/"); got != "DIRECT" {
		t.Fatalf("got %q", got)
	}
}
