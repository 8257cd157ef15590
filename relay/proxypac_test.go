package relay

import (
	"io"
	"strings"
	"testing"
)

func TestProxyPACServed(t *testing.T) {
	_, proxy := startRelay(t, Config{NoProxy: []string{"localhost"}, Parents: []string{"127.0.0.1:9"}})
	resp, err := client(nil).Get(proxy.String() + "/proxy.pac")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/x-ns-proxy-autoconfig" || !strings.Contains(string(b), `"PROXY `+proxy.Host+`"`) {
		t.Fatalf("%s\n%s", resp.Header.Get("Content-Type"), b)
	}
}
