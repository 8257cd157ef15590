package testenv

import (
	"io"
	"net/http"
	"net/url"
	"testing"
)

// TestFakeParentWantsItsCredentials: no credentials and wrong ones get a
// Basic 407, the right ones get the parent's answer, and every request,
// every attempt with credentials and every refusal is counted.
func TestFakeParentWantsItsCredentials(t *testing.T) {
	p := StartFakeParent(t, func(p *FakeParent) { p.Password = "s3cret" })
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
		if code, challenge, _ := get(u); code != http.StatusProxyAuthRequired || challenge != `Basic realm="fake"` {
			t.Errorf("%v: %d %q, want 407 with a Basic challenge", u, code, challenge)
		}
	}
	if code, _, body := get(url.UserPassword("alice", "s3cret")); code != http.StatusOK || body != "hello GET http://origin.invalid/page body=0" {
		t.Errorf("right credentials: %d %q", code, body)
	}
	if len(p.Requests()) != 3 || p.Attempts() != 2 || p.FailedLogons() != 1 {
		t.Errorf("%d requests, %d attempts, %d refused; want 3, 2 and 1", len(p.Requests()), p.Attempts(), p.FailedLogons())
	}
}
