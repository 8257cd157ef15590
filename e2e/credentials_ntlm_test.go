package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// credParent is one squid whose NTLM helper really checks passwords, shared
// by the credential tests: only one NTLM verifier can run per machine.
type credParent struct {
	squid  *testenv.Squid
	origin *testenv.Origin
	user   string
	domain string
	pw     string
}

// TestCredentials logs on to a password-verifying NTLM parent with each form
// of secret ferry takes instead of a password in the file.
func TestCredentials(t *testing.T) {
	const user, pw = "ferrycred", "Cred-pw 7!"
	o := testenv.StartOrigin(t)
	v := testenv.StartNTLMVerifier(t, map[string]string{user: pw})
	sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNTLM, NTLM: v, SSLPorts: []int{o.TLSPort}})
	p := credParent{squid: sq, origin: o, user: user, domain: v.Domain, pw: pw}

	// ferry hash's output, pasted under [auth], as the docs say.
	hashes := ferryHash(t, p.pw, "--user", p.user, "--domain", strings.ToLower(p.domain))
	lines := map[string]string{}
	for _, l := range strings.Split(hashes, "\n") {
		if k, _, ok := strings.Cut(l, " = "); ok {
			lines[k] = l
		}
	}

	t.Run("pass_ntlmv2 only", func(t *testing.T) {
		// The hash was made for the lower-cased domain, as cntlm users
		// often write it: the key is for the upper-cased one either way.
		p.check(t, fmt.Sprintf("scheme = \"ntlm\"\nuser = %q\ndomain = %q\n%s\n", p.user, strings.ToLower(p.domain), lines["pass_ntlmv2"]), nil)
	})
	t.Run("pass_nt only", func(t *testing.T) {
		p.check(t, fmt.Sprintf("user = %q\ndomain = %q\n%s\n", p.user, p.domain, lines["pass_nt"]), nil)
	})
	t.Run("password_command", func(t *testing.T) {
		dir := testenv.TempDir(t)
		secret := filepath.Join(dir, "secret")
		if err := os.WriteFile(secret, []byte(p.pw+"\nurl: proxy.corp\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		p.check(t, fmt.Sprintf("user = %q\ndomain = %q\npassword_command = %q\n", p.user, p.domain, "cat "+secret), nil)
	})
	t.Run("a wrong pass_ntlmv2 costs one failed logon", func(t *testing.T) {
		wrong := ferryHash(t, "Wrong-pw 8!", "--user", p.user, "--domain", p.domain)
		_, line, _ := strings.Cut(wrong, "pass_ntlmv2")
		line, _, _ = strings.Cut(line, "\n")
		conf := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\nuser = %q\ndomain = %q\npass_ntlmv2%s\n", p.squid.Addr, p.user, p.domain, line)
		before := p.squid.FailedLogons()
		f := testenv.StartFerry(t, conf)
		c := proxyClient(t, p.origin, f)
		for range 3 {
			resp, err := c.Get(p.origin.URL + "/echo")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 502 {
				t.Errorf("status %d, want 502", resp.StatusCode)
			}
		}
		if n := failedLogonsSince(p.squid, before, 1); n != 1 {
			t.Errorf("%d failed logons, want 1", n)
		}
	})
	t.Run("import cntlm runs unchanged", func(t *testing.T) {
		testenv.Require(t, "cntlm", "/usr/sbin/cntlm")
		// cntlm's own -H output, pasted into a cntlm.conf as its docs say.
		cmd := exec.Command("/usr/sbin/cntlm", "-c", os.DevNull, "-H", "-u", p.user, "-d", p.domain)
		cmd.Stdin = strings.NewReader(p.pw + "\n")
		h, err := cmd.Output()
		if err != nil {
			t.Fatalf("cntlm -H: %v", err)
		}
		var hashLines []string
		for _, l := range strings.Split(string(h), "\n") {
			if strings.HasPrefix(l, "Pass") {
				hashLines = append(hashLines, l)
			}
		}
		conf := filepath.Join(testenv.TempDir(t), "cntlm.conf")
		src := fmt.Sprintf("Username\t%s\nDomain\t%s\n%s\nAuth\tNTLMv2\nProxy\t%s\nNoProxy\tlocalhost\nListen\t%s\nGateway\tno\n",
			p.user, p.domain, strings.Join(hashLines, "\n"), p.squid.Addr, testenv.FreeAddr(t))
		if err := os.WriteFile(conf, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		imp := exec.Command(testenv.BuildFerry(t), "import", "cntlm", conf)
		toml, err := imp.Output()
		if err != nil {
			t.Fatalf("ferry import cntlm: %v", err)
		}
		if strings.Contains(string(toml), "password =") {
			t.Errorf("the converted config holds a password:\n%s", toml)
		}
		before := p.squid.FailedLogons()
		f := testenv.StartFerry(t, string(toml))
		c := proxyClient(t, p.origin, f)
		getEcho(t, c, p.origin.URL+"/echo", nil)
		if n := p.squid.FailedLogons() - before; n != 0 {
			t.Errorf("%d failed logons", n)
		}
	})
	p.testInit(t)
	p.testPassword(t)
	t.Run("FERRY_PASSWORD", func(t *testing.T) {
		p.check(t, fmt.Sprintf("user = %q\ndomain = %q\n", p.user, p.domain), []string{"FERRY_PASSWORD=" + p.pw})
	})
}

// check runs ferry with the [auth] lines against the parent and makes one
// request through it: one handshake, no failed logon, no secret in the log.
func (p credParent) check(t *testing.T, authLines string, env []string) {
	t.Helper()
	conf := fmt.Sprintf("listen = [\"127.0.0.1:0\"]\nparents = [%q]\n[auth]\n%s", p.squid.Addr, authLines)
	failedBefore := p.squid.FailedLogons()
	f := testenv.StartFerry(t, conf, env...)
	c := proxyClient(t, p.origin, f)
	getEcho(t, c, p.origin.URL+"/echo", nil)
	getEcho(t, c, p.origin.TLSURL+"/echo", nil)
	if n := p.squid.FailedLogons() - failedBefore; n != 0 {
		t.Errorf("%d failed logons at the parent", n)
	}
	secrets := []string{p.pw}
	for _, l := range strings.Split(authLines, "\n") {
		if _, v, ok := strings.Cut(l, "pass_"); ok {
			_, h, _ := strings.Cut(v, `"`)
			h, _, _ = strings.Cut(h, `"`)
			secrets = append(secrets, h)
		}
	}
	f.AssertLogHasNo(t, secrets...)
}

// ferryHash runs `ferry hash ARGS` with pw on standard input.
func ferryHash(t *testing.T, pw string, args ...string) string {
	t.Helper()
	cmd := exec.Command(testenv.BuildFerry(t), append([]string{"hash"}, args...)...)
	cmd.Stdin = strings.NewReader(pw + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ferry hash: %v", err)
	}
	return string(out)
}
