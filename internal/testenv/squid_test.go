package testenv

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// curlThrough runs curl through proxy and returns the HTTP status it got.
func curlThrough(t *testing.T, env []string, args ...string) string {
	t.Helper()
	Require(t, "curl", "curl")
	args = append([]string{"-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20"}, args...)
	cmd := exec.Command("curl", args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Logf("curl %v: %v: %s", args, err, ee.Stderr)
		}
	}
	return strings.TrimSpace(string(out))
}

func TestSquidWithoutAuthForwardsAndTunnels(t *testing.T) {
	o := StartOrigin(t)
	sq := StartSquid(t, SquidOptions{SSLPorts: []int{o.TLSPort}})
	if got := curlThrough(t, nil, "-x", sq.ProxyURL(), o.URL+"/echo"); got != "200" {
		t.Errorf("GET through squid: status %s", got)
	}
	if got := curlThrough(t, nil, "-x", sq.ProxyURL(), "--cacert", o.CAFile, o.TLSURL+"/echo"); got != "200" {
		t.Errorf("CONNECT through squid: status %s", got)
	}
	log := sq.AccessLog()
	if len(log) != 2 || log[0].Method != "GET" || log[0].Status != 200 || log[1].Method != "CONNECT" || log[1].Status != 200 {
		t.Errorf("access log = %+v", log)
	}
}

func TestSquidBasicCountsFailedLogons(t *testing.T) {
	o := StartOrigin(t)
	sq := StartSquid(t, SquidOptions{Auth: SquidAuthBasic, Users: map[string]string{"alice": "s3cret pw"}})
	status := func(user *url.Userinfo) int {
		t.Helper()
		pu, _ := url.Parse(sq.ProxyURL())
		pu.User = user
		resp, err := o.Client(pu).Get(o.URL + "/echo")
		if err != nil {
			t.Fatalf("GET through squid: %v", err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	if got := status(nil); got != http.StatusProxyAuthRequired {
		t.Errorf("without credentials: %d, want 407", got)
	}
	if got := status(url.UserPassword("alice", "s3cret pw")); got != http.StatusOK {
		t.Errorf("right password: %d, want 200", got)
	}
	if got := status(url.UserPassword("alice", "wrong")); got != http.StatusProxyAuthRequired {
		t.Errorf("wrong password: %d, want 407", got)
	}
	if got := sq.FailedLogons(); got != 1 {
		t.Errorf("FailedLogons = %d, want 1; helper said %q", got, sq.HelperAnswers())
	}
	if reqs := sq.HelperRequests(); len(reqs) != 2 {
		t.Errorf("helper requests = %q, want 2", reqs)
	}
}

func TestSquidDigestAcceptsCurl(t *testing.T) {
	o := StartOrigin(t)
	sq := StartSquid(t, SquidOptions{Auth: SquidAuthDigest, Users: map[string]string{"alice": "secret"}})
	if got := curlThrough(t, nil, "-x", sq.ProxyURL(), "--proxy-digest", "-U", "alice:secret", o.URL+"/echo"); got != "200" {
		t.Errorf("digest through squid: status %s", got)
	}
	if got := curlThrough(t, nil, "-x", sq.ProxyURL(), "--proxy-digest", "-U", "alice:wrong", o.URL+"/echo"); got != "407" {
		t.Errorf("digest with a wrong password: status %s, want 407", got)
	}
}

func TestSquidFakeNTLMCountsHandshakes(t *testing.T) {
	o := StartOrigin(t)
	sq := StartSquid(t, SquidOptions{Auth: SquidAuthNTLM})
	if got := curlThrough(t, nil, "-x", sq.ProxyURL(), "--proxy-ntlm", "-U", `CORP\alice:anything`, o.URL+"/echo", "-o", "/dev/null", o.URL+"/echo"); got != "200200" {
		t.Errorf("ntlm through squid: statuses %s", got)
	}
	// curl reuses its authenticated connection for the second URL.
	if got := sq.Handshakes(); got != 1 {
		t.Errorf("Handshakes = %d, want 1; helper saw %q", got, sq.HelperRequests())
	}
}

func TestSquidNegotiateWithKDC(t *testing.T) {
	o := StartOrigin(t)
	kdc := StartKDC(t)
	kdc.AddUser(t, "alice", "kpass")
	ccache := filepath.Join(TempDir(t), "ccache")
	kdc.Kinit(t, "alice", "kpass", ccache)
	sq := StartSquid(t, SquidOptions{Auth: SquidAuthNegotiate, KDC: kdc})
	env := append(append([]string{}, kdc.Env...), "KRB5CCNAME=FILE:"+ccache)
	if got := curlThrough(t, env, "-x", sq.ProxyURL(), "--proxy-negotiate", "-U", ":", o.URL+"/echo"); got != "200" {
		t.Errorf("negotiate through squid: status %s; helper: %q %q", got, sq.HelperRequests(), sq.HelperAnswers())
	}
	if got := sq.Handshakes(); got != 1 {
		t.Errorf("Handshakes = %d, want 1", got)
	}
	for _, e := range sq.AccessLog() {
		if e.Status == 200 && e.User != "alice@"+kdc.Realm {
			t.Errorf("squid logged user %q, want alice@%s", e.User, kdc.Realm)
		}
	}
}

func TestSquidClosesIdleClientConnections(t *testing.T) {
	o := StartOrigin(t)
	sq := StartSquid(t, SquidOptions{ClientIdlePconnTimeout: time.Second})
	c, err := net.Dial("tcp", sq.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s/echo HTTP/1.1\r\nHost: %s\r\n\r\n", o.URL, strings.TrimPrefix(o.URL, "http://"))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	start := time.Now()
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection: read %v, want EOF", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("squid closed the idle connection after %v, want about 1s", d)
	}
}

func TestSquidDeniesDomainAfterAuth(t *testing.T) {
	o := StartOrigin(t)
	sq := StartSquid(t, SquidOptions{Auth: SquidAuthBasic, Users: map[string]string{"alice": "pw"}, DenyDomains: []string{"localhost"}})
	blocked := strings.Replace(o.URL, "127.0.0.1", "localhost", 1) + "/echo"
	if got := curlThrough(t, nil, "-x", sq.ProxyURL(), blocked); got != "407" {
		t.Errorf("blocked site without credentials: %s, want 407", got)
	}
	if got := curlThrough(t, nil, "-x", sq.ProxyURL(), "-U", "alice:pw", blocked); got != "403" {
		t.Errorf("blocked site with credentials: %s, want 403", got)
	}
	if got := curlThrough(t, nil, "-x", sq.ProxyURL(), "-U", "alice:pw", o.URL+"/echo"); got != "200" {
		t.Errorf("allowed site: %s, want 200", got)
	}
}

func TestTwoSquidsRunSideBySide(t *testing.T) {
	a := StartSquid(t, SquidOptions{})
	b := StartSquid(t, SquidOptions{})
	if a.Name == b.Name || a.Addr == b.Addr {
		t.Fatalf("two squids share a name or address: %s %s, %s %s", a.Name, b.Name, a.Addr, b.Addr)
	}
	a.Stop()
	if _, err := net.Dial("tcp", b.Addr); err != nil {
		t.Errorf("second squid stopped with the first: %v", err)
	}
}

func TestSquidForwardsWebSocketUpgrade(t *testing.T) {
	o := StartOrigin(t)
	sq := StartSquid(t, SquidOptions{WebSocket: true})
	c, err := net.Dial("tcp", sq.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s/ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", o.URL, strings.TrimPrefix(o.URL, "http://"))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status %d, want 101", resp.StatusCode)
	}
	fmt.Fprint(c, "ping")
	buf := make([]byte, 4)
	if _, err := io.ReadFull(br, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo after upgrade: %q, %v", buf, err)
	}
}
