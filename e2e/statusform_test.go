package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/internal/testenv"
	"github.com/ferryproxy/ferry/relay/report"
)

// TestStatusPageFormTakesChangedPassword is issue 17's "fill one form":
// the config holds the password from before it changed; one failed logon
// at a real squid rests the credentials; headless Chromium loads the
// status page, which now offers the new-password form, fills it with the
// right password (after a mistyped one, refused at the cost of one failed
// logon, nothing stored) and submits it. The running ferry (same process) serves
// again at once, the file holds the new password, the rest is gone, and
// squid saw no failed logon beyond the first. Then the "test a URL" box
// gives the verdict for a site squid blocks, in the browser's language.
func TestStatusPageFormTakesChangedPassword(t *testing.T) {
	testenv.Require(t, "the status page form test", "chromium")
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{DenyDomains: []string{"localhost"}})
	const old = "Old-pw 1!"
	conf := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n\n[auth]\nuser = %q\npassword = %q  # changed every 90 days\n",
		p.Squid.Addr, p.Auth.User, old)
	failed := p.Squid.FailedLogons()
	f := testenv.StartFerry(t, conf)
	pid := f.Pid()
	c := proxyClient(t, o, f)
	for range 3 {
		if resp, body := fetchWith(t, c, o.URL+"/echo", nil); resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("with the old password: status %d, want 502:\n%s", resp.StatusCode, body)
		}
	}
	if n := failedLogonsSince(p.Squid, failed, 1); n != 1 {
		t.Fatalf("%d failed logons with the old password, want 1", n)
	}

	// A mistyped new password: one failed logon, nothing stored.
	b := startBrowser(t, "ja", "http://"+f.Addr+"/")
	failed = p.Squid.FailedLogons()
	b.submit("password", map[string]string{"password": "Typo-pw 2!", "test_url": o.URL + "/echo"})
	page := b.waitFor("the refusal", "document.getElementById('result') ? document.documentElement.outerHTML : ''")
	if !strings.Contains(page, `data-ok="false"`) || !strings.Contains(page, msg.T("ja", "form.password_refused")) {
		t.Fatalf("a wrong password: the answer does not say it was refused:\n%s", page)
	}
	if n := failedLogonsSince(p.Squid, failed, 1); n != 1 {
		t.Errorf("%d failed logons for a wrong password in the form, want exactly 1", n)
	}
	if got, _ := os.ReadFile(f.Config); string(got) != conf {
		t.Fatalf("a refused password changed the file:\n%s", got)
	}

	failed, logons := p.Squid.FailedLogons(), basicLogons(p.Squid)
	b.eval("location.href = '/'; 'ok'")
	b.waitFor("the status page", "document.readyState == 'complete' && document.getElementById('password') ? 'yes' : ''")
	start := time.Now()
	b.submit("password", map[string]string{"password": p.Auth.Password, "test_url": o.URL + "/echo"})
	page = b.waitFor("the password result", "document.getElementById('result') ? document.documentElement.outerHTML : ''")
	took := time.Since(start)
	t.Logf("the form's answer came %v after submitting", took.Round(10*time.Millisecond))
	if !strings.Contains(page, `data-ok="true"`) || !strings.Contains(page, msg.T("ja", "form.password_stored")) {
		t.Fatalf("the form's answer does not say the password is stored:\n%s\n--- ferry ---\n%s", page, f.Stderr())
	}
	if strings.Contains(page, p.Auth.Password) {
		t.Errorf("the answer shows the password:\n%s", page)
	}

	// Requests pass at once: the answer came after the reload.
	if resp, body := fetchWith(t, c, o.URL+"/echo", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("right after the form's answer: status %d:\n%s\n--- ferry ---\n%s", resp.StatusCode, body, f.Stderr())
	}
	getEcho(t, c, o.TLSURL+"/echo", nil)
	t.Logf("requests work %v after submitting", time.Since(start).Round(10*time.Millisecond))
	if f.Pid() != pid {
		t.Errorf("ferry restarted")
	}
	if n := p.Squid.FailedLogons() - failed; n != 0 {
		t.Errorf("%d failed logons after the form, want none", n)
	}
	if n := basicLogons(p.Squid) - logons; n < 1 {
		t.Errorf("the form made no logon at squid")
	}
	got, _ := os.ReadFile(f.Config)
	if want := strings.Replace(conf, fmt.Sprintf("%q", old), fmt.Sprintf("%q", p.Auth.Password), 1); string(got) != want {
		t.Errorf("the file after the form:\n%s\nwant:\n%s", got, want)
	}
	var st report.Status
	resp, body := fetchWith(t, &http.Client{}, "http://"+f.Addr+"/status.json", nil)
	if err := json.Unmarshal(body, &st); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status.json: %d %v", resp.StatusCode, err)
	}
	if len(st.Resting) != 0 {
		t.Errorf("credentials still rest after the new password: %+v", st.Resting)
	}

	// The "test a URL" box: squid blocks localhost.
	blocked := strings.Replace(o.URL, "127.0.0.1", "localhost", 1) + "/echo"
	b.eval("location.href = '/check'; 'ok'")
	b.submit("check", map[string]string{"url": blocked})
	page = b.waitFor("the URL's verdict", "document.querySelector('[data-verdict]') ? document.documentElement.outerHTML : ''")
	for _, want := range append([]string{`data-verdict="` + msg.SiteBlocked + `"`, msg.Title("ja", msg.SiteBlocked)},
		msg.Fix("ja", msg.SiteBlocked, "parent", p.Squid.Addr)...) {
		if !strings.Contains(page, want) {
			t.Errorf("the verdict page lacks %q:\n%s", want, page)
		}
	}
	if n := p.Squid.FailedLogons() - failed; n != 0 {
		t.Errorf("%d failed logons after the URL test, want none", n)
	}
	f.AssertLogHasNo(t, p.Auth.Password, old, "Typo-pw 2!")
}

// basicLogons counts the logons squid's Basic helper accepted.
func basicLogons(sq *testenv.Squid) int {
	n := 0
	for _, l := range sq.HelperAnswers() {
		if strings.HasPrefix(l, "OK") {
			n++
		}
	}
	return n
}
