package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestDeadFirstParentFailsOver lists a parent that refuses connections
// before a live one: requests must still succeed, through the live one.
func TestDeadFirstParentFailsOver(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startBasicParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{testenv.FreeAddr(t), p.Squid.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	for i := 0; i < 5; i++ {
		checkOriginHeaders(t, getEcho(t, c, o.URL+"/echo", nil))
	}
	getEcho(t, c, o.TLSURL+"/echo", nil)
	if n := squidRequests(p.Squid, "GET", 200); n != 5 {
		t.Errorf("the live parent served %d GETs, want 5", n)
	}
	checkLogClean(t, f, p)
}

// fault is how a broken parent misbehaves after accepting a connection.
type fault struct {
	name  string
	cause string // the down_cause ferry reports for it
	serve func(c *net.TCPConn)
}

var faults = []fault{
	{"closes", "parent_error", func(c *net.TCPConn) { c.Close() }},
	{"resets", "parent_error", func(c *net.TCPConn) { _ = c.SetLinger(0); c.Close() }},
	// Reads and never answers, like a proxy stuck on a lock.
	{"silent", "parent_timeout", func(c *net.TCPConn) { _, _ = io.Copy(io.Discard, c) }},
	// Speaks another protocol, like an SSH server on the configured port.
	{"garbage", "parent_not_proxy", func(c *net.TCPConn) {
		_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n")
		_, _ = io.Copy(io.Discard, c)
	}},
}

// startFaultParent treats every connection with f. squid cannot be made to
// misbehave like this, so a hand-written parent injects the fault and a
// real squid serves the requests.
func startFaultParent(t *testing.T, f fault) string {
	t.Helper()
	return testenv.ServeTCP(t, func(c net.Conn) { f.serve(c.(*net.TCPConn)) })
}

// failoverTimeouts makes a silent parent cost 2 s (timeouts.connect) and a
// slow answer 60 s (timeouts.response_header, the default).
const failoverTimeouts = "[timeouts]\nconnect = \"2s\"\nresponse_header = \"60s\"\n\n[auth]\n"

// TestBrokenParentFailsOver: a first parent that accepts and then closes,
// resets, stays silent or answers garbage is skipped, for GET and CONNECT
// alike, whether it is a configured parent (the next one, a real squid,
// serves), the first entry of a PAC's list (the next entry serves), or the
// only parent with direct_fallback (the site is reached directly). The
// first request costs at most timeouts.connect, the later ones nothing.
func TestBrokenParentFailsOver(t *testing.T) {
	o := testenv.StartOrigin(t)
	sq := startBasicParent(t, o, testenv.SquidOptions{})
	for _, f := range faults {
		bad := startFaultParent(t, f)
		pacSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
			fmt.Fprintf(w, `function FindProxyForURL(url, host) { return "PROXY %s; PROXY %s"; }`, bad, sq.Squid.Addr)
		}))
		t.Cleanup(pacSrv.Close)
		modes := []struct {
			name   string
			config string
			viaSq  bool
		}{
			{"parents", ferryConfig([]string{bad, sq.Squid.Addr}, sq.Auth), true},
			{"pac", strings.Replace(ferryConfig(nil, sq.Auth), "parents = []\n",
				fmt.Sprintf("pac = %q\n", pacSrv.URL+"/wpad.dat"), 1) + "allow_hosts = [\"127.0.0.1\"]\n", true},
			{"direct_fallback", strings.Replace(ferryConfig([]string{bad}, sq.Auth), "no_proxy = []\n",
				"no_proxy = []\ndirect_fallback = true\n", 1), false},
		}
		for _, m := range modes {
			for _, method := range []string{"GET", "CONNECT"} {
				t.Run(f.name+"/"+m.name+"/"+method, func(t *testing.T) {
					fy := testenv.StartFerry(t, strings.Replace(m.config, "\n[auth]\n", "\n"+failoverTimeouts, 1))
					c := proxyClient(t, o, fy)
					c.Timeout = 20 * time.Second
					url := o.URL + "/echo"
					if method == "CONNECT" {
						url = o.TLSURL + "/echo"
					}
					before := squidRequests(sq.Squid, method, 200)
					start := time.Now()
					getEcho(t, c, url, nil)
					c.CloseIdleConnections() // each CONNECT anew
					if d := time.Since(start); d > 8*time.Second {
						t.Errorf("the first request took %v; a broken parent may cost at most timeouts.connect (2 s)", d)
					}
					start = time.Now()
					for range 3 {
						getEcho(t, c, url, nil)
						c.CloseIdleConnections() // each CONNECT anew
					}
					if d := time.Since(start); d > 1900*time.Millisecond {
						t.Errorf("3 more requests took %v: the broken parent was tried again (2 s each when silent)", d)
					}
					served := squidRequests(sq.Squid, method, 200) - before
					if m.viaSq && served != 4 {
						t.Errorf("squid served %d of the 4 %s requests", served, method)
					}
					if !m.viaSq && served != 0 {
						t.Errorf("squid served %d requests; direct_fallback should have gone directly", served)
					}
					checkParentDown(t, fy, bad, f.cause)
					checkLogClean(t, fy, sq)
				})
			}
		}
	}
}

// checkParentDown fails t unless /status.json, /metrics and 'ferry status'
// show the parent at addr down with cause.
func checkParentDown(t *testing.T, f *testenv.Ferry, addr, cause string) {
	t.Helper()
	// Read as JSON, not report.Status: what scripts see.
	var rep struct {
		Parents []struct {
			Addr      string     `json:"addr"`
			State     string     `json:"state"`
			Up        bool       `json:"up"`
			DownSince *time.Time `json:"down_since"`
			DownCause string     `json:"down_cause"`
			NextTry   *time.Time `json:"next_try"`
			LastError string     `json:"last_error"`
		}
	}
	if err := json.Unmarshal([]byte(fetchSelf(t, f, "/status.json")), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range rep.Parents {
		if p.Addr != addr {
			continue
		}
		found = true
		if p.State != "down" || p.Up || p.DownCause != cause || p.DownSince == nil || p.NextTry == nil || p.LastError == "" {
			t.Errorf("status of the broken parent: state %q up %v cause %q since %v next try %v error %q; want down with cause %s",
				p.State, p.Up, p.DownCause, p.DownSince, p.NextTry, p.LastError, cause)
		}
	}
	if !found {
		t.Errorf("status.json lists no parent %s: %+v", addr, rep.Parents)
	}
	if m := fetchSelf(t, f, "/metrics"); !strings.Contains(m, `ferry_parent_up{parent="`+addr+`"} 0`) ||
		!strings.Contains(m, `ferry_parent_down{parent="`+addr+`"} 1`) {
		t.Errorf("metrics do not show %s down:\n%s", addr, m)
	}
	out, _ := runFerry(t, "status", "--listen", f.Addr)
	if want := "parent " + addr + ": down since "; !strings.Contains(out, want) || !strings.Contains(out, "("+cause+"); next try at ") {
		t.Errorf("ferry status does not show %s down (%s):\n%s", addr, cause, out)
	}
}

// fetchSelf GETs one of ferry's own pages.
func fetchSelf(t *testing.T, f *testenv.Ferry, path string) string {
	t.Helper()
	resp, err := (&http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}).Get("http://" + f.Addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	return string(b)
}

// TestSlowSiteIsNotADeadParent: the first request on a fresh connection to
// a parent that needs no credentials goes straight to the site. A site that
// takes longer than timeouts.connect to answer must not make ferry call the
// parent dead (its probe is answered), nor send the request elsewhere.
func TestSlowSiteIsNotADeadParent(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Second)
		fmt.Fprint(w, "slow but here")
	}))
	defer slow.Close()
	slow.Config.SetKeepAlivesEnabled(false)
	sq := testenv.StartSquid(t, testenv.SquidOptions{})
	broken := startFaultParent(t, faults[0]) // would answer a wrong failover with a 502
	cfg := strings.Replace(ferryConfig([]string{sq.Addr, broken}, ferryAuth{}), "\n[auth]\n", "\n"+failoverTimeouts, 1)
	f := testenv.StartFerry(t, cfg)
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(f.ProxyURL)}, Timeout: 30 * time.Second}
	for _, method := range []string{"GET", "POST"} {
		var payload io.Reader
		if method == "POST" {
			payload = strings.NewReader("a small body")
		}
		req, _ := http.NewRequest(method, slow.URL+"/", payload)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s to a slow site: %v", method, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "slow but here" {
			t.Fatalf("%s to a slow site: %d %q", method, resp.StatusCode, body)
		}
		c.CloseIdleConnections()
	}
	var rep struct {
		Parents []struct {
			Addr  string `json:"addr"`
			State string `json:"state"`
		} `json:"parents"`
	}
	if err := json.Unmarshal([]byte(fetchSelf(t, f, "/status.json")), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Parents) != 2 || rep.Parents[0].State != "up" || rep.Parents[1].State != "untried" {
		t.Errorf("parents after slow answers: %+v; want squid up and the second one untried", rep.Parents)
	}
	// The first request's fresh connection was silent past half of
	// timeouts.connect: ferry probed, squid answered (501), and ferry went
	// on waiting for the site.
	served, probes := 0, 0
	for _, e := range sq.AccessLog() {
		switch {
		case e.Status == 200 && (e.Method == "GET" || e.Method == "POST"):
			served++
		case e.Method == "OPTIONS":
			probes++
		}
	}
	if served != 2 || probes == 0 {
		t.Errorf("squid served %d requests (want 2) and %d probes (want at least 1)", served, probes)
	}
}

// TestSilentOnlyParentFailsFast: with nothing else to try, a silent parent
// costs the first request timeouts.connect (a 504, not 60 s of waiting),
// and later requests nothing: they get the same 504 at once, saying since
// when the parent is down, until its probe gets an answer.
func TestSilentOnlyParentFailsFast(t *testing.T) {
	o := testenv.StartOrigin(t)
	bad := startFaultParent(t, faults[2])
	f := testenv.StartFerry(t, strings.Replace(ferryConfig([]string{bad}, ferryAuth{}), "\n[auth]\n", "\n"+failoverTimeouts, 1))
	c := proxyClient(t, o, f)
	c.Timeout = 20 * time.Second
	for i, limit := range []time.Duration{8 * time.Second, time.Second, time.Second} {
		start := time.Now()
		resp, err := c.Get(o.URL + "/echo")
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if d := time.Since(start); d > limit {
			t.Errorf("request %d took %v, want under %v", i, d, limit)
		}
		if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(body), "parent_timeout") {
			t.Errorf("request %d: %d %q", i, resp.StatusCode, body)
		}
		if i > 0 && !strings.Contains(string(body), "is down since") {
			t.Errorf("request %d does not say the parent is down: %q", i, body)
		}
	}
	checkParentDown(t, f, bad, "parent_timeout")
}

// TestDeafParentLargeUpload: a parent that accepts and never reads. With
// credentials configured, ferry's first contact with a large body is a
// bodiless HEAD, so the dead parent is found before any body byte and the
// upload goes whole to the next parent. Without credentials the body goes
// at once and blocks once the socket buffers are full: it cannot be sent
// elsewhere (too large to keep), but the app gets the 504 after
// timeouts.connect, not after timeouts.response_header.
func TestDeafParentLargeUpload(t *testing.T) {
	o := testenv.StartOrigin(t)
	// Holds each connection open, unread, until the test ends.
	end := make(chan struct{})
	deaf := startFaultParent(t, fault{name: "deaf", serve: func(c *net.TCPConn) { _ = c.SetReadBuffer(4096); <-end }})
	t.Cleanup(func() { close(end) }) // before the parent's cleanup, which waits for serve
	const size = 64 << 20
	t.Run("with credentials: sent whole to the next parent", func(t *testing.T) {
		sq := startBasicParent(t, o, testenv.SquidOptions{})
		f := testenv.StartFerry(t, strings.Replace(ferryConfig([]string{deaf, sq.Squid.Addr}, sq.Auth), "\n[auth]\n", "\n"+failoverTimeouts, 1))
		start := time.Now()
		upload(t, proxyClient(t, o, f), o.URL, size, false)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("the upload took %v; the deaf parent may cost about timeouts.connect (2 s)", d)
		}
	})
	t.Run("without: 504 after timeouts.connect", func(t *testing.T) {
		sq := testenv.StartSquid(t, testenv.SquidOptions{})
		// scheme "none": not even a Kerberos ticket cache, so no HEAD first.
		f := testenv.StartFerry(t, strings.Replace(ferryConfig([]string{deaf, sq.Addr}, ferryAuth{Scheme: "none"}), "\n[auth]\n", "\n"+failoverTimeouts, 1))
		c := proxyClient(t, o, f)
		c.Timeout = 30 * time.Second
		start := time.Now()
		resp, err := c.Post(o.URL+"/sha256", "application/octet-stream", io.LimitReader(testenv.Pattern(size), size))
		if err != nil {
			t.Fatalf("upload to a deaf parent: %v after %v", err, time.Since(start))
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("the upload failed after %v; a deaf parent may cost about timeouts.connect (2 s)", d)
		}
		if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(body), "parent_timeout") {
			t.Errorf("upload to a deaf parent: %d %q", resp.StatusCode, body)
		}
		// The next upload goes to squid, whole.
		upload(t, c, o.URL, 4<<20, false)
	})
}
