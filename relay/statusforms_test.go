package relay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/report"
)

// TestPasswordFormEndsRestsOnlyWhenTheRunningFerryTookIt: the status
// page's password form goes to Config.ChangePassword with the password and
// the test page; the rests of the replaced password end only when the hook
// says the running ferry took the new one (a store that did not reload
// leaves the old password in use, and its rest must hold).
func TestPasswordFormEndsRestsOnlyWhenTheRunningFerryTookIt(t *testing.T) {
	var got []string
	result := report.PasswordResult{Stored: true, Detail: "stored"}
	p := testenv.StartFakeParent(t, nil)
	s, proxy := startRelay(t, Config{Parents: []string{p.Addr}, Auth: basicAuth(t, "alice", "wrong"),
		ChangePassword: func(_ context.Context, pw, testURL string) report.PasswordResult {
			got = append(got, pw, testURL)
			return result
		}})
	if resp, _ := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, selfRequest(http.MethodGet, proxy.Host, "/", nil))
	if !strings.Contains(w.Body.String(), `action="/password"`) {
		t.Fatalf("resting credentials and a hook: no password form:\n%s", w.Body)
	}
	send := func() {
		form := url.Values{"token": {s.retryToken()}, "password": {"New-pw 3!"}, "test_url": {"http://intranet.example/"}}
		r := selfRequest(http.MethodPost, proxy.Host, "/password", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("POST /password: %d\n%s", w.Code, w.Body)
		}
	}
	send()
	if len(got) != 2 || got[0] != "New-pw 3!" || got[1] != "http://intranet.example/" {
		t.Fatalf("the hook got %q", got)
	}
	if len(s.Guard().Snapshot()) != 1 {
		t.Fatal("a store without a reload ended the rest")
	}
	result.Reloaded = true
	send()
	if n := len(s.Guard().Snapshot()); n != 0 {
		t.Fatalf("the running ferry took the new password, but %d rests remain", n)
	}
}
