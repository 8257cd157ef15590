package discover

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/windows/registry"
)

// The registry values, as a group policy writes them, read from a scratch
// key (never the user's real Internet Settings).
func TestReadInternetSettingsFromRegistry(t *testing.T) {
	path := `Software\ferry-test-` + strconv.FormatInt(time.Now().UnixNano(), 36)
	k, _, err := registry.CreateKey(registry.CURRENT_USER, path, registry.ALL_ACCESS)
	if err != nil {
		t.Skipf("cannot create a scratch registry key: %v", err)
	}
	t.Cleanup(func() {
		k.Close()
		_ = registry.DeleteKey(registry.CURRENT_USER, path)
	})
	for name, v := range map[string]string{
		"AutoConfigURL": "http://wpad.corp.example/wpad.dat",
		"ProxyServer":   "http=proxy.corp.example:8080;https=proxy.corp.example:8080;socks=s:1080",
		"ProxyOverride": "*.corp.example;10.*;<local>",
	} {
		if err := k.SetStringValue(name, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.SetDWordValue("ProxyEnable", 1); err != nil {
		t.Fatal(err)
	}
	got, err := readInternetSettings(registry.CURRENT_USER, path)
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{
		PAC:     "http://wpad.corp.example/wpad.dat",
		Proxies: []string{"proxy.corp.example:8080"},
		NoProxy: []string{"*.corp.example", "10.*", "<local>"},
		Source:  "Windows Internet Settings",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if _, err := readInternetSettings(registry.CURRENT_USER, path+`\missing`); err == nil {
		t.Error("a missing key read without an error")
	}
}
