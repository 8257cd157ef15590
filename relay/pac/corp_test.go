package pac

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The PAC files in testdata are written like the ones corporate networks
// serve: nested shExpMatch/isInNet rules (corp.pac), a generated ~2000-line
// file (large.pac), Microsoft's Ex functions in a UTF-16LE file with a BOM
// (branch-utf16le.pac), and an old Windows-1252 file (legacy-cp1252.pac).

type pacCase struct {
	url, want string
}

func loadTestPAC(t testing.TB, name string, opt Options) *Script {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	opt.Name = name
	s, err := Parse(src, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func runPACCases(t *testing.T, s *Script, cases []pacCase) {
	t.Helper()
	for _, c := range cases {
		if got := find(t, s, c.url); got != c.want {
			t.Errorf("%s: %s\n  got  %s\n  want %s", s.name, c.url, got, c.want)
		}
	}
}

func localIPs(addrs ...string) func() ([]net.IP, error) {
	return func() ([]net.IP, error) {
		var out []net.IP
		for _, a := range addrs {
			out = append(out, net.ParseIP(a))
		}
		return out, nil
	}
}

func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

var corpResolver = fakeResolver{
	"partner-wiki.fabrikam.example": {"172.20.1.5"},
	"www.google.com":                {"142.250.74.100", "2001:db8:4860::64"},
	"news.example.org":              {"203.0.113.7"},
	"files.zrh.contoso.example":     {"2001:db8:ca5e:2::5"},
	"hq.contoso.example":            {"10.1.1.1"},
	"www.example.com":               {"93.184.216.34", "2001:db8:ffff::1"},
}

func TestCorpPAC(t *testing.T) {
	const (
		primary = "PROXY proxy1.contoso.example:8080; PROXY proxy2.contoso.example:8080"
		backup  = "PROXY proxy2.contoso.example:8080; PROXY proxy1.contoso.example:8080"
		vpn     = "PROXY vpnproxy.contoso.example:8080; " + primary
	)
	wed := func(h, m int) time.Time { return time.Date(2026, time.November, 25, h, m, 0, 0, cet) }
	office := Options{Resolver: corpResolver, LocalIPs: localIPs("10.1.50.23"), Now: clock(wed(10, 30))}

	s := loadTestPAC(t, "corp.pac", office)
	runPACCases(t, s, []pacCase{
		{"http://intranet/", "DIRECT"},
		{"http://localhost/", "DIRECT"},
		{"http://localhost.contoso.example/", "DIRECT"},
		{"http://10.1.2.3/", "DIRECT"},
		{"http://192.168.4.1:8443/admin", "DIRECT"},
		{"http://172.31.0.1/", "DIRECT"},
		{"http://172.32.0.1/", primary},
		{"http://8.8.8.8/", primary},
		{"http://www.contoso.example/", primary},
		{"HTTP://WWW.CONTOSO.EXAMPLE/", primary},
		{"https://shop-eu.contoso.example/cart?id=1", primary},
		{"https://status.contoso.example/", primary},
		{"http://hr.contoso.example/", "DIRECT"},
		{"http://build.lab.contoso.example/", "SOCKS5 labgw.contoso.example:1080"},
		{"http://api.dev.contoso.example/v1", "PROXY devproxy.contoso.example:3128"},
		{"https://api.dev.contoso.example/v1", "PROXY devproxy.contoso.example:3128; DIRECT"},
		{"https://contoso.sharepoint.com/sites/hr", "PROXY o365.contoso.example:8081; DIRECT"},
		{"https://outlook.office365.com/", "PROXY o365.contoso.example:8081; DIRECT"},
		{"http://download.windowsupdate.com/x.cab", "PROXY o365.contoso.example:8081; DIRECT"},
		{"ftp://news.example.org/pub/", "PROXY ftpproxy.contoso.example:2121"},
		{"http://partner-wiki.fabrikam.example/", "DIRECT"},
		{"https://www.google.com/search?q=pac", primary},
		{"http://news.example.org/", primary},
		{"http://unresolvable.example/", primary},
	})

	// Location: the VPN address pool.
	opt := office
	opt.LocalIPs = localIPs("fd00::9", "10.200.3.4")
	runPACCases(t, loadTestPAC(t, "corp.pac", opt), []pacCase{
		{"https://www.google.com/", vpn},
		{"http://hr.contoso.example/", "DIRECT"},
	})

	// Time: nights and weekends prefer proxy2.
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{wed(6, 59), backup},
		{wed(7, 0), primary},
		{wed(18, 59), primary},
		{wed(19, 0), backup},
		{time.Date(2026, time.November, 28, 12, 0, 0, 0, cet), backup},  // Saturday
		{time.Date(2026, time.November, 30, 12, 0, 0, 0, cet), primary}, // Monday
	} {
		opt := office
		opt.Now = clock(c.now)
		s := loadTestPAC(t, "corp.pac", opt)
		if got := find(t, s, "https://www.google.com/"); got != c.want {
			t.Errorf("at %v: got %s, want %s", c.now, got, c.want)
		}
	}

	want := []string{"dnsDomainIs", "dnsResolve", "isInNet", "isPlainHostName", "localHostOrDomainIs", "myIpAddress", "shExpMatch", "timeRange", "weekdayRange"}
	if got := s.Functions(); !slices.Equal(got, want) {
		t.Errorf("Functions() = %v, want %v", got, want)
	}
}

func TestLargePAC(t *testing.T) {
	const def = "PROXY proxy.fabrikam.example:8080; PROXY proxy-dr.fabrikam.example:8080"
	src, _ := os.ReadFile("testdata/large.pac")
	if n := strings.Count(string(src), "\n"); n < 1900 {
		t.Fatalf("large.pac has %d lines, want about 2000", n)
	}
	s := loadTestPAC(t, "large.pac", Options{Resolver: corpResolver, LocalIPs: localIPs("10.1.1.1"), Now: clock(testNow)})
	runPACCases(t, s, []pacCase{
		{"http://intranet/", "DIRECT"},
		{"http://app000.intra.fabrikam.example/", "DIRECT"},
		{"http://app042.intra.fabrikam.example/", "DIRECT"},
		{"http://app499.intra.fabrikam.example/", "DIRECT"},
		{"http://app500.intra.fabrikam.example/", def},
		{"http://10.0.0.9/", "DIRECT"},
		{"http://10.3.32.7/", "DIRECT"},
		{"http://10.18.176.1/", "DIRECT"}, // the 300th network
		{"http://10.18.192.1/", def},
		{"http://11.0.0.1/", def},
		{"http://www.region000.fabrikam.example/", "PROXY px00.region000.fabrikam.example:3128; " + def},
		{"https://erp.region349.fabrikam.example/", "PROXY px49.region349.fabrikam.example:3128; " + def},
		{"http://region349.fabrikam.example/", def},
		{"http://cdn.vendor000.example/", "PROXY vp0.fabrikam.example:8080"},
		{"http://cdn.vendor399.example/", "PROXY vp3.fabrikam.example:8080"},
		{"http://a.b.vendor213.example/", "PROXY vp1.fabrikam.example:8080"},
		{"http://vendor399.example/", def},
		{"https://www.example.com/", def},
	})
}

func TestBranchPACInUTF16LE(t *testing.T) {
	const (
		local  = "PROXY [2001:db8:ca5e::8]:8080; PROXY zrh-proxy.contoso.example:8080"
		remote = "PROXY zrh-proxy.contoso.example:8080; PROXY proxy1.contoso.example:8080"
	)
	branch := Options{Resolver: corpResolver, LocalIPs: localIPs("10.60.1.2", "2001:db8:ca5e:1::20"), Now: clock(testNow)}
	s := loadTestPAC(t, "branch-utf16le.pac", branch)
	if s.entry != "FindProxyForURLEx" {
		t.Fatalf("entry point %s, want FindProxyForURLEx", s.entry)
	}
	runPACCases(t, s, []pacCase{
		{"http://printer/", "DIRECT"},
		{"http://files.zrh.contoso.example/share", "DIRECT"},
		{"http://hq.contoso.example/", "DIRECT"},
		{"http://[2001:db8:ca5e::44]/", "DIRECT"},
		{"https://www.example.com/", local},
		{"https://www.google.com/", local},
		{"http://nowhere.invalid/", local},
	})
	home := branch
	home.LocalIPs = localIPs("192.168.1.10")
	runPACCases(t, loadTestPAC(t, "branch-utf16le.pac", home), []pacCase{
		{"http://hq.contoso.example/", "DIRECT"},
		{"https://www.example.com/", remote},
		{"http://nowhere.invalid/", "PROXY zrh-proxy.contoso.example:8080"},
	})
	want := []string{"dnsResolveEx", "getClientVersion", "isInNetEx", "isPlainHostName", "isResolvableEx", "myIpAddressEx", "sortIpAddressList"}
	if got := s.Functions(); !slices.Equal(got, want) {
		t.Errorf("Functions() = %v, want %v", got, want)
	}
}

func TestLegacyPACInWindows1252(t *testing.T) {
	const (
		office = "PROXY gbg-proxy.contoso.example:8080; PROXY gbg-backup.contoso.example:8080"
		off    = "PROXY gbg-backup.contoso.example:8080; DIRECT"
		freeze = "PROXY gbg-backup.contoso.example:8080"
	)
	at := func(t time.Time) Options {
		return Options{Resolver: corpResolver, LocalIPs: localIPs("10.70.1.2"), Now: clock(t)}
	}
	s := loadTestPAC(t, "legacy-cp1252.pac", at(time.Date(2026, time.November, 25, 10, 0, 0, 0, time.UTC)))
	runPACCases(t, s, []pacCase{
		{"http://intra/", "DIRECT"},
		{"http://intra.gbg.contoso.example/", "DIRECT"},
		{"http://a.b.gbg.contoso.example/", "DIRECT"},
		{"http://x.gbg.contoso.example/", "PROXY gbg-proxy.contoso.example:8080"},
		{"http://www.example.com/", office},
	})
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		// 18:15 in Gothenburg is 17:15 GMT: still office hours.
		{time.Date(2026, time.November, 25, 18, 15, 0, 0, cet), office},
		{time.Date(2026, time.November, 25, 18, 31, 0, 0, cet), off},
		{time.Date(2026, time.November, 25, 6, 59, 0, 0, cet), off},
		{time.Date(2026, time.November, 25, 7, 0, 0, 0, cet), office},
		{time.Date(2026, time.November, 28, 10, 0, 0, 0, cet), off}, // Saturday
		{time.Date(2026, time.December, 24, 10, 0, 0, 0, cet), freeze},
		{time.Date(2027, time.January, 6, 10, 0, 0, 0, cet), freeze},
		{time.Date(2027, time.January, 7, 10, 0, 0, 0, cet), office},
	} {
		s := loadTestPAC(t, "legacy-cp1252.pac", at(c.now))
		if got := find(t, s, "http://www.example.com/"); got != c.want {
			t.Errorf("at %v: got %s, want %s", c.now, got, c.want)
		}
	}
}

func TestEncodings(t *testing.T) {
	body := "function FindProxyForURL(u, h) { return \"caf\u00e9\".charCodeAt(3) == 0xE9 ? \"DIRECT\" : \"PROXY bad:1\"; }"
	utf16 := func(bigEndian bool) []byte {
		var b []byte
		if bigEndian {
			b = []byte{0xFE, 0xFF}
		} else {
			b = []byte{0xFF, 0xFE}
		}
		for _, r := range body {
			hi, lo := byte(r>>8), byte(r)
			if bigEndian {
				b = append(b, hi, lo)
			} else {
				b = append(b, lo, hi)
			}
		}
		return b
	}
	for name, src := range map[string][]byte{
		"utf-8":        []byte(body),
		"utf-8 bom":    append([]byte{0xEF, 0xBB, 0xBF}, body...),
		"utf-16le bom": utf16(false),
		"utf-16be bom": utf16(true),
		"windows-1252": []byte(strings.ReplaceAll(body, "\u00e9", "\xe9")),
	} {
		s, err := Parse(src, testOptions())
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := find(t, s, "http://x/"); got != "DIRECT" {
			t.Errorf("%s: decoded wrongly (%s)", name, got)
		}
	}
	if got := decodeWindows1252([]byte("\x80\x81\x9f\xa0\xff")); got != "€\u0081Ÿ\u00a0ÿ" {
		t.Errorf("windows-1252 decoding: %q", got)
	}
	if _, err := Parse([]byte("\xef\xbb\xbf\xff"), testOptions()); err == nil {
		t.Error("a UTF-8 BOM before invalid UTF-8 must be an error")
	}
}

func TestCorpPACHonoursContext(t *testing.T) {
	s := loadTestPAC(t, "corp.pac", Options{Resolver: blockingResolver{}, LocalIPs: localIPs("10.1.1.1"), Now: clock(testNow), Timeout: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := s.FindProxy(ctx, "http://slow-dns.example/", ""); err == nil {
		t.Fatal("want an error when DNS hangs past the caller's deadline")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v", d)
	}
}

// TestDocExample keeps the example in docs/pac.md working as the page says.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/pac.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "```js\n")
	src, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("docs/pac.md has no ```js block")
	}
	const proxies = "PROXY proxy1.contoso.example:8080; PROXY proxy2.contoso.example:8080"
	opt := Options{Resolver: corpResolver, LocalIPs: localIPs("192.168.1.20"), Now: clock(testNow)}
	s, err := Parse([]byte(src), opt)
	if err != nil {
		t.Fatal(err)
	}
	runPACCases(t, s, []pacCase{
		{"http://intranet/", "DIRECT"},
		{"http://wiki.contoso.example/", "DIRECT"},
		{"http://build.lab.contoso.example/", "SOCKS5 labgw.contoso.example:1080"},
		{"http://10.1.2.3/", "DIRECT"},
		{"https://contoso.sharepoint.com/", "PROXY o365.contoso.example:8081; DIRECT"},
		{"https://www.example.com/", proxies},
	})
	opt.LocalIPs = localIPs("10.200.7.7")
	s, _ = Parse([]byte(src), opt)
	runPACCases(t, s, []pacCase{{"https://www.example.com/", "PROXY vpnproxy.contoso.example:8080; " + proxies}})
	_, err = Parse([]byte("function FindProxyForURL(url, host) {\n  if (host == \"a\" { return \"DIRECT\"; }\n}"), Options{})
	if err == nil || !strings.Contains(err.Error(), "pac file proxy.pac: syntax error: proxy.pac: Line 2:") {
		t.Fatalf("syntax error reads %v", err)
	}
}
