package testenv

import (
	"io"
	"net/http"
	"net/url"
	"testing"
)

// TestBasicParentWantsItsCredentials: no credentials and wrong ones get a
// Basic 407, the right ones reach the handler, and every request and every
// attempt with credentials is counted.
func TestBasicParentWantsItsCredentials(t *testing.T) {
	p := StartBasicParent(t, "alice", "s3cret", nil)
	get := func(user *url.Userinfo) (int, string, string) {
		t.Helper()
		c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: p.Addr, User: user})}}
		resp, err := c.Get("http://origin.invalid/page")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Proxy-Authenticate"), string(b)
	}
	for _, u := range []*url.Userinfo{nil, url.UserPassword("alice", "wrong")} {
		if code, challenge, _ := get(u); code != http.StatusProxyAuthRequired || challenge != `Basic realm="corp"` {
			t.Errorf("%v: %d %q, want 407 with a Basic challenge", u, code, challenge)
		}
	}
	if code, _, body := get(url.UserPassword("alice", "s3cret")); code != http.StatusOK || body != "parent got GET http://origin.invalid/page" {
		t.Errorf("right credentials: %d %q", code, body)
	}
	if p.Requests() != 3 || p.Attempts() != 2 {
		t.Errorf("%d requests, %d attempts; want 3 and 2", p.Requests(), p.Attempts())
	}
}
