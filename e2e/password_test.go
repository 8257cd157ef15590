package e2e

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// testPassword is TestCredentials' ferry password part, issue 17: the
// config holds the password from before it changed; ferry rests after one
// failed logon; a wrong `ferry password` costs one more and stores
// nothing; the right one, from standard input, is stored in the file
// (comments and mode kept) and the running ferry serves again within
// seconds, without a restart.
func (p credParent) testPassword(t *testing.T) {
	t.Run("ferry password takes a changed password without a restart", func(t *testing.T) {
		conf := fmt.Sprintf("# the company proxy\nlisten = [\"127.0.0.1:0\"]\nparents = [%q]\n\n[auth]\nuser = %q  # my account\ndomain = %q\npassword = \"Old-pw 1!\"  # changed every 90 days\n",
			p.squid.Addr, p.user, p.domain)
		failed := p.squid.FailedLogons()
		f := testenv.StartFerry(t, conf)
		pid := f.Pid()
		c := proxyClient(t, p.origin, f)
		for range 3 {
			resp, body := fetchWith(t, c, p.origin.URL+"/echo", nil)
			if resp.StatusCode != http.StatusBadGateway {
				t.Fatalf("with the old password: status %d, want 502:\n%s", resp.StatusCode, body)
			}
		}
		if n := failedLogonsSince(p.squid, failed, 1); n != 1 {
			t.Fatalf("%d failed logons with the old password, want 1", n)
		}

		// A mistyped new password: exit 3, one failed logon, nothing stored.
		dir := testenv.TempDir(t)
		args := []string{"password", "--config", f.Config, "--test-url", p.origin.URL + "/echo"}
		failed = p.squid.FailedLogons()
		out, code := runFerryIn(t, dir, "Typo-pw 2!\n", nil, args...)
		if code != 3 || !strings.Contains(out, "nothing was stored") {
			t.Fatalf("wrong password: exit %d, want 3 saying nothing was stored:\n%s", code, out)
		}
		if n := failedLogonsSince(p.squid, failed, 1); n != 1 {
			t.Errorf("%d failed logons for a wrong ferry password, want exactly 1", n)
		}
		if got, _ := os.ReadFile(f.Config); string(got) != conf {
			t.Fatalf("a refused password changed the file:\n%s", got)
		}

		// The right one, piped in.
		failed, handshakes := p.squid.FailedLogons(), p.squid.Handshakes()
		start := time.Now()
		out, code = runFerryIn(t, dir, p.pw+"\n", nil, args...)
		if code != 0 {
			t.Fatalf("ferry password: exit %d:\n%s", code, out)
		}
		t.Logf("ferry password:\n%s", out)
		if strings.Contains(out, p.pw) {
			t.Errorf("ferry password printed the password:\n%s", out)
		}
		if n := countSince(p.squid.Handshakes, handshakes, 1); n < 1 {
			t.Errorf("no logon at the parent")
		}
		got, _ := os.ReadFile(f.Config)
		want := strings.Replace(conf, `"Old-pw 1!"`, fmt.Sprintf("%q", p.pw), 1)
		if string(got) != want {
			t.Errorf("the file after ferry password:\n%s\nwant:\n%s", got, want)
		}
		if fi, err := os.Stat(f.Config); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("mode of the file: %v, %v; want 0600", fi.Mode().Perm(), err)
		}

		p.servesAgain(t, f, c, pid, start, failed)
		f.AssertLogHasNo(t, p.pw, "Old-pw 1!", "Typo-pw 2!")
	})
	t.Run("ferry password replaces the entry in a real Secret Service", func(t *testing.T) {
		ss := testenv.StartSecretService(t)
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", ss.Bus.Address)
		account := p.domain + `\` + p.user
		if err := keyring.Set("ferry", account, "Old-pw 1!"); err != nil {
			t.Fatal(err)
		}
		conf := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nuser = %q\ndomain = %q\nkeyring = true\n", p.squid.Addr, p.user, p.domain)
		failed := p.squid.FailedLogons()
		f := testenv.StartFerry(t, conf, ss.Env()...)
		pid := f.Pid()
		c := proxyClient(t, p.origin, f)
		if resp, body := fetchWith(t, c, p.origin.URL+"/echo", nil); resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("with the old password: status %d, want 502:\n%s", resp.StatusCode, body)
		}
		if n := failedLogonsSince(p.squid, failed, 1); n != 1 {
			t.Fatalf("%d failed logons with the old password, want 1", n)
		}
		failed = p.squid.FailedLogons()
		start := time.Now()
		out, code := runFerryIn(t, testenv.TempDir(t), p.pw+"\n", ss.Env(),
			"password", "--config", f.Config, "--test-url", p.origin.URL+"/echo")
		if code != 0 || !strings.Contains(out, "OS keyring") {
			t.Fatalf("ferry password: exit %d:\n%s", code, out)
		}
		if got, err := keyring.Get("ferry", account); err != nil || got != p.pw {
			t.Errorf("the keyring holds %q, %v; want the new password", got, err)
		}
		if got, _ := os.ReadFile(f.Config); string(got) != conf {
			t.Errorf("the config changed:\n%s", got)
		}
		p.servesAgain(t, f, c, pid, start, failed)
	})
}

// servesAgain waits for the running ferry to take the new password: within
// 10 s (the config file is polled every 2 s), with the same process and no
// failed logon since failed.
func (p credParent) servesAgain(t *testing.T, f *testenv.Ferry, c *http.Client, pid int, start time.Time, failed int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, body := fetchWith(t, c, p.origin.URL+"/echo", nil)
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still status %d 10 s after ferry password:\n%s\n--- ferry ---\n%s", resp.StatusCode, body, f.Stderr())
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("requests work %v after ferry password started", time.Since(start).Round(100*time.Millisecond))
	getEcho(t, c, p.origin.TLSURL+"/echo", nil)
	if f.Pid() != pid {
		t.Errorf("ferry restarted")
	}
	if n := p.squid.FailedLogons() - failed; n != 0 {
		t.Errorf("%d failed logons after the right password", n)
	}
}
