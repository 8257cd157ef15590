package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestTinyproxyRefusalsReachTheApp: tinyproxy refuses in its own way: a
// CONNECT to a port outside its ConnectPort list gets its 403 "Access
// violation" page, a site it cannot reach its 500 "Unable to connect". Both
// are the parent's own refusals, which README says reach the app
// unchanged: ferry neither replaces them with its error page, nor takes
// them for a rejected password (nothing rests) or a dead parent (the
// parent stays up and the next requests go through).
func TestTinyproxyRefusalsReachTheApp(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startTinyproxy(t, o)
	f := testenv.StartFerry(t, ferryConfig([]string{p.Addr}, p.Auth), p.Env...)
	c := proxyClient(t, o, f)
	getEcho(t, c, o.URL+"/echo", nil)

	// A CONNECT to the plain HTTP port, which tinyproxy does not allow.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(o.URL, "http://"))
	target := net.JoinHostPort("127.0.0.1", port)
	cr, cb, _ := rawExchange(t, f.Addr, "CONNECT "+target+" HTTP/1.1\r\nHost: "+target+"\r\n\r\n", false)
	status, ps, body := cr.StatusCode, cr.Header.Get("Proxy-Status"), string(cb)
	if status != http.StatusForbidden || ps != "" || !strings.Contains(strings.ToLower(body), "tinyproxy") {
		t.Errorf("CONNECT %s: %d Proxy-Status %q, want tinyproxy's own 403 passed on:\n%s", target, status, ps, body)
	}

	// A site nobody listens on.
	dead := deadAddr(t)
	resp, b := fetchWith(t, c, "http://"+dead+"/x", nil)
	if resp.StatusCode/100 != 5 || resp.StatusCode == http.StatusBadGateway && strings.Contains(resp.Header.Get("Proxy-Status"), "ferry") ||
		!strings.Contains(strings.ToLower(string(b)), "tinyproxy") {
		t.Errorf("GET a dead site: %d Proxy-Status %q, want tinyproxy's own answer passed on:\n%s", resp.StatusCode, resp.Header.Get("Proxy-Status"), b)
	}

	t.Logf("tinyproxy answered the CONNECT %d and the dead site %d", status, resp.StatusCode)
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
		t.Errorf("after tinyproxy's refusals: resting %s, parents %+v; want nothing resting and the parent up", rep.Resting, rep.Parents)
	}
	f.AssertLogHasNo(t, p.Secrets...)
}
