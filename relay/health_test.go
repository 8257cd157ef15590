package relay

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/parent"
	"github.com/ferryproxy/ferry/relay/report"

	"github.com/ferryproxy/ferry/relay/failure"
)

// closingParent reads a whole request and closes the connection without
// answering: a parent that died while handling it.
func closingParent(t *testing.T) *testenv.FakeParent {
	return testenv.StartFakeParent(t, func(p *testenv.FakeParent) {
		p.Open = true
		p.Custom = func(net.Conn, *http.Request) {}
	})
}

func post(t *testing.T, c *http.Client, url string, n int) (int, string) {
	t.Helper()
	resp, err := c.Post(url, "application/octet-stream", strings.NewReader(strings.Repeat("x", n)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestDeadParentBodyGoesOnWhenKept: a small body the dead parent took is
// kept, so the next parent gets it whole.
func TestDeadParentBodyGoesOnWhenKept(t *testing.T) {
	bad, good := closingParent(t), testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	s, proxy := startRelay(t, Config{Parents: []string{bad.Addr, good.Addr}})
	status, body := post(t, client(proxy), "http://origin.example/up", 1000)
	if status != 200 || body != "hello POST http://origin.example/up body=1000" {
		t.Fatalf("POST past a dead parent: %d %q", status, body)
	}
	if len(bad.Requests()) != 1 {
		t.Fatalf("the dead parent saw %d requests, want 1", len(bad.Requests()))
	}
	if st := s.Upstreams()[0].Stats(); st.Up || st.LastCause != failure.ParentError {
		t.Fatalf("dead parent: up %v cause %q", st.Up, st.LastCause)
	}
}

// TestDeadParentBodyTooLargeIsNotSentTwice: a body larger than the replay
// buffer that the dead parent took cannot be sent again, so the app gets the
// error and the next parent nothing (half a body would be worse).
func TestDeadParentBodyTooLargeIsNotSentTwice(t *testing.T) {
	bad, good := closingParent(t), testenv.StartFakeParent(t, func(p *testenv.FakeParent) { p.Open = true })
	_, proxy := startRelay(t, Config{Parents: []string{bad.Addr, good.Addr}})
	status, body := post(t, client(proxy), "http://origin.example/up", 3*parent.ReplayLimit)
	if status != http.StatusBadGateway || !strings.Contains(body, "closed the connection without answering") {
		t.Fatalf("large POST to a dead parent: %d %q", status, body)
	}
	if n := len(good.Requests()); n != 0 {
		t.Fatalf("the next parent got %d requests with a body already consumed", n)
	}
}

// TestDirectFallbackGetsTheWholeBody: with direct_fallback, the site gets
// the body from its start though the dead parent read it first.
func TestDirectFallbackGetsTheWholeBody(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "got %d", len(b))
	}))
	defer origin.Close()
	bad := closingParent(t)
	_, proxy := startRelay(t, Config{Parents: []string{bad.Addr}, DirectFallback: true})
	c := client(proxy)
	for range 2 { // first past the dead parent, then straight
		if status, body := post(t, c, origin.URL+"/up", 5000); status != 200 || body != "got 5000" {
			t.Fatalf("POST with direct_fallback: %d %q", status, body)
		}
	}
	if n := len(bad.Requests()); n != 1 {
		t.Fatalf("the dead parent saw %d requests; once down it should be skipped", n)
	}
}

// TestStatusShowsEachParentState: untried, up, down (since, cause, next
// try) and resting, in /status.json, the page, the text and /metrics.
func TestStatusShowsEachParentState(t *testing.T) {
	bad := closingParent(t)
	good := testenv.StartFakeParent(t, nil)
	idle := testenv.StartFakeParent(t, nil)
	creds := basicAuth(t, "alice", "secret")
	s, proxy := startRelay(t, Config{Parents: []string{bad.Addr, good.Addr, idle.Addr}, Auth: creds})
	if resp, body := get(t, client(proxy), "http://origin.example/"); resp.StatusCode != 200 {
		t.Fatalf("status %d %q", resp.StatusCode, body)
	}
	states := map[string]report.ParentStatus{}
	for _, p := range s.Status().Parents {
		states[p.Addr] = p
	}
	if p := states[bad.Addr]; p.State != report.ParentDown || p.Up || p.DownCause != failure.ParentError.Name || p.DownSince == nil || p.NextTry == nil {
		t.Errorf("closing parent: %+v", p)
	}
	if p := states[good.Addr]; p.State != report.ParentUp || !p.Up || p.Auth != "ok" {
		t.Errorf("serving parent: %+v", p)
	}
	if p := states[idle.Addr]; p.State != report.ParentUntried || p.Up {
		t.Errorf("unused parent: %+v", p)
	}
	s.Guard().Fail(good.Addr, creds, "test")
	for _, p := range s.Status().Parents {
		if p.Addr == good.Addr && (p.State != report.ParentResting || !p.Up) {
			t.Errorf("parent with resting credentials: %+v", p)
		}
	}
	for path, wants := range map[string][]string{
		"/metrics": {`ferry_parent_up{parent="` + bad.Addr + `"} 0`, `ferry_parent_down{parent="` + bad.Addr + `"} 1`,
			`ferry_parent_up{parent="` + idle.Addr + `"} 0`, `ferry_parent_down{parent="` + idle.Addr + `"} 0`},
		"/": {`data-state="down"`, `data-state="resting"`, `data-state="untried"`, "down since ", "(parent_error); next try at ", "not tried yet"},
	} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, selfRequest(http.MethodGet, proxy.Host, path, nil))
		for _, want := range wants {
			if !strings.Contains(w.Body.String(), want) {
				t.Errorf("%s lacks %q:\n%s", path, want, w.Body.String())
			}
		}
	}
}
