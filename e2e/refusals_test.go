package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestRefusalsBeyondSquidReachTheApp: tinyproxy and Apache refuse in
// their own ways: a CONNECT to a port outside their allowed list gets
// tinyproxy's 403 "Access violation" page or Apache's 403, a site they
// cannot reach tinyproxy's 500 "Unable to connect" or Apache's 503 proxy
// error. These are the parent's own refusals, which README says reach the
// app unchanged: ferry neither replaces them with its error page, nor takes
// them for a rejected password (nothing rests) or a dead parent (the
// parent stays up and the next requests go through).
func TestRefusalsBeyondSquidReachTheApp(t *testing.T) {
	for _, tc := range []struct {
		kind otherKind
		// words of the parent's own pages: its CONNECT refusal, its
		// answer for a site it cannot reach.
		refused, unreachable string
	}{
		{otherKind{name: "tinyproxy", start: startTinyproxy}, "tinyproxy", "tinyproxy"},
		{otherKind{name: "apache", start: startApacheBasic}, "Connect to remote machine blocked", "Service Unavailable"},
	} {
		t.Run(tc.kind.name, func(t *testing.T) { testRefusalsReachTheApp(t, tc.kind, tc.refused, tc.unreachable) })
	}
}

func testRefusalsReachTheApp(t *testing.T, kind otherKind, refused, unreachable string) {
	o := testenv.StartOrigin(t)
	p := kind.start(t, o)
	f := testenv.StartFerry(t, ferryConfig([]string{p.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)

	// A CONNECT to the plain HTTP port, which the parent does not allow.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(o.URL, "http://"))
	target := net.JoinHostPort("127.0.0.1", port)
	cr, cb, _ := rawExchange(t, f.Addr, "CONNECT "+target+" HTTP/1.1\r\nHost: "+target+"\r\n\r\n", false)
	status, ps, body := cr.StatusCode, cr.Header.Get("Proxy-Status"), string(cb)
	if status != http.StatusForbidden || ps != "" || !strings.Contains(body, refused) {
		t.Errorf("CONNECT %s: %d Proxy-Status %q, want the parent's own 403 passed on:\n%s", target, status, ps, body)
	}

	// A site nobody listens on.
	dead := deadAddr(t)
	resp, b := fetchWith(t, c, "http://"+dead+"/x", nil)
	if resp.StatusCode/100 != 5 || resp.StatusCode == http.StatusBadGateway && strings.Contains(resp.Header.Get("Proxy-Status"), "ferry") ||
		!strings.Contains(string(b), unreachable) {
		t.Errorf("GET a dead site: %d Proxy-Status %q, want the parent's own answer passed on:\n%s", resp.StatusCode, resp.Header.Get("Proxy-Status"), b)
	}

	t.Logf("%s answered the CONNECT %d and the dead site %d", kind.name, status, resp.StatusCode)
	getEcho(t, c, o.URL+"/echo", nil)
	getEcho(t, c, o.TLSURL+"/echo", nil)
	var rep struct {
		Resting []json.RawMessage `json:"resting"`
		Parents []struct {
			Addr  string `json:"addr"`
			State string `json:"state"`
		} `json:"parents"`
	}
	if err := json.Unmarshal([]byte(fetchSelf(t, f, "/status.json")), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Resting) != 0 || len(rep.Parents) != 1 || rep.Parents[0].State != "up" {
		t.Errorf("after the parent's refusals: resting %s, parents %+v; want nothing resting and the parent up", rep.Resting, rep.Parents)
	}
	f.AssertLogHasNo(t, p.Secrets...)
}
