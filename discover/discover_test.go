package discover

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// fakeResolver answers the names it holds and "not found" for the rest,
// recording what was asked.
type fakeResolver map[string][]string

func (r fakeResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// runOutput makes Options.Run answer with a testdata file for the command
// this OS uses (gsettings on Linux, scutil on macOS).
func runOutput(t *testing.T, file string) func(context.Context, string, ...string) ([]byte, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return func(_ context.Context, name string, args ...string) ([]byte, error) {
		return b, nil
	}
}

func noCommand(context.Context, string, ...string) ([]byte, error) {
	return nil, errors.New(`exec: "gsettings": executable file not found in $PATH`)
}

func TestEnvironment(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		self []string
		want Settings
	}{
		{"http and https", map[string]string{
			"http_proxy":  "http://proxy.corp.example:8080/",
			"HTTPS_PROXY": "http://alice:secret@proxy2.corp.example:3128",
			"no_proxy":    "localhost,127.0.0.1,.corp.example, 10.0.0.0/8",
		}, nil, Settings{
			Proxies: []string{"proxy.corp.example:8080", "proxy2.corp.example:3128"},
			NoProxy: []string{"localhost", "127.0.0.1", ".corp.example", "10.0.0.0/8"},
			Source:  "environment",
		}},
		{"bare host:port, duplicates once", map[string]string{
			"http_proxy": "proxy:8080", "HTTP_PROXY": "proxy:8080", "https_proxy": "proxy",
		}, nil, Settings{Proxies: []string{"proxy:8080", "proxy:80"}, Source: "environment"}},
		{"ipv6", map[string]string{"http_proxy": "http://[fd00::1]:3128"}, nil,
			Settings{Proxies: []string{"[fd00::1]:3128"}, Source: "environment"}},
		{"ferry itself ignored", map[string]string{
			"http_proxy": "http://localhost:3128", "https_proxy": "http://127.0.0.1:3128", "ALL_PROXY": "http://proxy.corp.example:8080",
		}, []string{"127.0.0.1:3128"}, Settings{Proxies: []string{"proxy.corp.example:8080"}, Source: "environment"}},
		{"socks and https proxies skipped", map[string]string{
			"all_proxy": "socks5h://localhost:1080", "https_proxy": "https://tls-proxy:443", "http_proxy": "http://proxy:8080",
		}, nil, Settings{Proxies: []string{"proxy:8080"}, Source: "environment"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := System(context.Background(), Options{Getenv: env(tc.env), Self: tc.self, Run: noCommand})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestEnvironmentPointingOnlyAtFerryFallsThrough(t *testing.T) {
	_, err := System(context.Background(), Options{
		Getenv: env(map[string]string{"http_proxy": "http://127.0.0.1:3128"}),
		Self:   []string{"127.0.0.1:3128"},
		Run:    noCommand,
	})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err %v, want ErrNotFound", err)
	}
	for _, want := range []string{"environment (it names ferry itself)", "WPAD (off)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestProxyValueWithPasswordNotEchoed(t *testing.T) {
	_, err := System(context.Background(), Options{
		Getenv: env(map[string]string{"https_proxy": "socks5://alice:hunter2@socks:1080"}),
		Run:    noCommand,
	})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err %v: want not found, without the password", err)
	}
}

func TestGsettings(t *testing.T) {
	cases := []struct {
		file string
		want Settings
	}{
		{"gsettings-manual.txt", Settings{
			Proxies: []string{"proxy.corp.example:8080", "proxy2.corp.example:3128"},
			NoProxy: []string{"localhost", "127.0.0.0/8", "::1", "*.corp.example", "10.0.0.0/8", "intranet"},
			Source:  "GNOME gsettings",
		}},
		{"gsettings-auto.txt", Settings{
			PAC:     "http://pac.corp.example/proxy.pac",
			NoProxy: []string{"localhost", "127.0.0.0/8", "::1"},
			Source:  "GNOME gsettings",
		}},
		{"gsettings-none.txt", Settings{Source: "GNOME gsettings"}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := parseGsettings(b); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestGVariantDecoding(t *testing.T) {
	if got := gvString(`'CORP\\alice'`); got != `CORP\alice` {
		t.Errorf("gvString = %q", got)
	}
	if got := gvString(`"it's"`); got != "it's" {
		t.Errorf("gvString = %q", got)
	}
	for in, want := range map[string][]string{
		`@as []`:                nil,
		`[]`:                    nil,
		`['a', 'b\'c', "d, e"]`: {"a", "b'c", "d, e"},
		`['unterminated`:        nil,
	} {
		if got := gvStrings(in); !reflect.DeepEqual(got, want) {
			t.Errorf("gvStrings(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestScutil(t *testing.T) {
	cases := []struct {
		file string
		want Settings
	}{
		{"scutil-manual.txt", Settings{
			Proxies: []string{"proxy.corp.example:8080", "proxy2.corp.example:8443"},
			NoProxy: []string{"<local>", "*.local", "169.254.0.0/16", "10.0.0.0/8", "*.corp.example"},
			Source:  "macOS scutil",
		}},
		{"scutil-pac.txt", Settings{
			PAC:     "http://wpad.corp.example/wpad.dat",
			NoProxy: []string{"*.local", "169.254.0.0/16"},
			Source:  "macOS scutil",
		}},
		{"scutil-none.txt", Settings{NoProxy: []string{"*.local", "169.254.0.0/16"}, Source: "macOS scutil"}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := parseScutil(b); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestMacCIDR(t *testing.T) {
	for in, want := range map[string]string{
		"169.254/16": "169.254.0.0/16", "10/8": "10.0.0.0/8", "192.168.1.0/24": "192.168.1.0/24",
		"fe80::/10": "fe80::/10", "*.local": "*.local", "a.b/8": "a.b/8",
	} {
		if got := macCIDR(in); got != want {
			t.Errorf("macCIDR(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWindowsProxyServer(t *testing.T) {
	cases := map[string][]string{
		"proxy.corp.example:8080": {"proxy.corp.example:8080"},
		"http=a.corp:8080;https=b.corp:8443;ftp=c.corp:21;socks=d:1080": {"a.corp:8080", "b.corp:8443"},
		"https=b.corp:8443;http=a.corp:8080":                            {"b.corp:8443", "a.corp:8080"},
		"http=http://a.corp:8080;https=https://a.corp:8080":             {"a.corp:8080"},
		"socks=d:1080":           nil,
		"proxy.corp.example":     {"proxy.corp.example:80"},
		" http=a:1 ; https=b:2 ": {"a:1", "b:2"},
		"[fd00::8]:3128":         {"[fd00::8]:3128"},
		"":                       nil,
		"http=":                  nil,
		"a:99999":                nil,
	}
	for in, want := range cases {
		if got := parseProxyServer(in); !reflect.DeepEqual(got, want) {
			t.Errorf("parseProxyServer(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWindowsProxyOverride(t *testing.T) {
	cases := map[string][]string{
		"<local>":                          {"<local>"},
		"*.corp.example;10.*;<LOCAL>":      {"*.corp.example", "10.*", "<local>"},
		"intranet; 192.168.*;;http://wiki": {"intranet", "192.168.*", "wiki"},
		"":                                 nil,
	}
	for in, want := range cases {
		if got := parseProxyOverride(in); !reflect.DeepEqual(got, want) {
			t.Errorf("parseProxyOverride(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWindowsInternetSettings(t *testing.T) {
	got := internetSettings("http://wpad.corp.example/wpad.dat", 1, "http=proxy:8080;https=proxy:8080", "<local>;*.corp.example")
	want := Settings{
		PAC: "http://wpad.corp.example/wpad.dat", Proxies: []string{"proxy:8080"},
		NoProxy: []string{"<local>", "*.corp.example"}, Source: "Windows Internet Settings",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	// ProxyEnable=0: the proxy server string is a leftover, not in use.
	if got := internetSettings("", 0, "proxy:8080", "<local>"); !got.empty() {
		t.Errorf("ProxyEnable=0 gave %+v", got)
	}
	// ferry's own PAC (it serves /proxy.pac) must not be taken as the system's.
	s := dropSelf(internetSettings("http://127.0.0.1:3128/proxy.pac", 1, "localhost:3128", ""), []string{"127.0.0.1:3128"})
	if !s.empty() {
		t.Errorf("settings pointing at ferry kept: %+v", s)
	}
}

func TestResolvConfAndWPADCandidates(t *testing.T) {
	b, err := os.ReadFile("testdata/resolv.conf")
	if err != nil {
		t.Fatal(err)
	}
	domains := parseResolvConf(b)
	if want := []string{"eng.emea.corp.example", "corp.example", "lab.corp.co.uk"}; !reflect.DeepEqual(domains, want) {
		t.Fatalf("search domains %q, want %q (the last of search/domain wins)", domains, want)
	}
	got := wpadCandidates(domains)
	want := []string{
		"wpad.eng.emea.corp.example", "wpad.emea.corp.example", "wpad.corp.example",
		"wpad.lab.corp.co.uk", "wpad.corp.co.uk", // never wpad.co.uk
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("candidates %q\nwant       %q", got, want)
	}
	if got := wpadCandidates([]string{"lan", "", "bad domain", "Corp.Example."}); !reflect.DeepEqual(got, []string{"wpad.corp.example"}) {
		t.Errorf("single-label and invalid domains: %q", got)
	}
	if got := parseResolvConf([]byte("search a.example\ndomain b.example # last wins\n")); !reflect.DeepEqual(got, []string{"b.example"}) {
		t.Errorf("domain after search: %q", got)
	}
}

func TestWPAD(t *testing.T) {
	opt := Options{
		Getenv:     env(nil),
		Run:        runOutput(t, "gsettings-none.txt"),
		WPAD:       true,
		ResolvConf: "testdata/resolv.conf",
	}
	opt.Resolver = fakeResolver{"wpad.corp.example": {"10.1.2.3"}, "wpad.corp.co.uk": {"10.9.9.9"}, "wpad.emea.corp.example": {"0.0.0.0"}}
	got, err := System(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{PAC: "http://wpad.corp.example/wpad.dat", Source: "WPAD DNS wpad.corp.example"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	opt.Resolver = fakeResolver{}
	_, err = System(context.Background(), opt)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "wpad.corp.example") {
		t.Errorf("err %v: want ErrNotFound naming the names tried", err)
	}

	opt.WPAD = false
	opt.Resolver = fakeResolver{"wpad.corp.example": {"10.1.2.3"}}
	if _, err := System(context.Background(), opt); !errors.Is(err, ErrNotFound) {
		t.Errorf("WPAD off still looked names up: %v", err)
	}
}

// The order: environment before the OS, the OS before WPAD.
func TestSourceOrder(t *testing.T) {
	osFile := map[string]string{"linux": "gsettings-manual.txt", "darwin": "scutil-manual.txt"}[runtime.GOOS]
	if osFile == "" {
		t.Skip("the OS source here is not a command")
	}
	opt := Options{
		Getenv:     env(map[string]string{"https_proxy": "http://envproxy:8080"}),
		Run:        runOutput(t, osFile),
		WPAD:       true,
		ResolvConf: "testdata/resolv.conf",
		Resolver:   fakeResolver{"wpad.corp.example": {"10.1.2.3"}},
	}
	if s, _ := System(context.Background(), opt); s.Source != "environment" {
		t.Errorf("with the environment set, source %q", s.Source)
	}
	opt.Getenv = env(nil)
	if s, _ := System(context.Background(), opt); s.Source == "environment" || strings.HasPrefix(s.Source, "WPAD") || len(s.Proxies) == 0 {
		t.Errorf("without the environment, got %+v; want the OS settings", s)
	}
	opt.Run = noCommand
	if s, _ := System(context.Background(), opt); !strings.HasPrefix(s.Source, "WPAD") {
		t.Errorf("without OS settings, got %+v; want WPAD", s)
	}
}

func TestIsSelf(t *testing.T) {
	self := []string{"127.0.0.1:3128", "[::1]:3128", "0.0.0.0:8080"}
	for hp, want := range map[string]bool{
		"127.0.0.1:3128": true, "localhost:3128": true, "[::1]:3128": true, "127.0.0.2:3128": true,
		"proxy:3128": false, "127.0.0.1:3129": false, "localhost:8080": true, "proxy.corp:8080": false,
	} {
		if got := IsSelf(hp, self); got != want {
			t.Errorf("IsSelf(%q) = %v, want %v", hp, got, want)
		}
	}
}
