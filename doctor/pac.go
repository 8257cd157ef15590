package doctor

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/failure"
	"github.com/ferryproxy/ferry/relay/parent"
	"github.com/ferryproxy/ferry/relay/route"
)

// This file checks a setup that a PAC alone routes (pac, or pac = "auto"
// found one, and no parents). The PAC is evaluated for each test URL by
// the relay's own PAC router (package relay/route: the same fetch, the
// same no_proxy first, the same answer per URL, the same rule on which
// proxies get credentials), and what it names is checked in its order,
// DIRECT included, as configured parents are: the first failure is the
// verdict. A PAC that cannot be fetched or evaluated is pac_failed, the
// verdict an app meets for it.

// hop is one entry of the PAC's answers: a proxy, or DIRECT (addr ""),
// with the test URLs the PAC sends there.
type hop struct {
	addr string
	tests
}

// viaPAC evaluates the PAC and checks each hop.
func (r *runner) viaPAC(ctx context.Context) *fault {
	var hops []*hop
	if f := r.step("pac", "", func() (string, *fault) {
		var detail string
		var f *fault
		hops, detail, f = r.routePAC(ctx)
		return detail, f
	}); f != nil {
		return f
	}
	for _, h := range hops {
		if h.addr == "" {
			r.res.Parent = ""
			if f := r.direct(ctx, h.httpURL, h.httpsURL); f != nil {
				return f
			}
			continue
		}
		r.res.Parent = h.addr
		if f := r.parent(ctx, h.addr, h.tests); f != nil {
			return f
		}
	}
	return nil
}

// routePAC asks the relay's PAC router where each test URL goes, as a
// request from an app would (a tunnel for the https URL), and gathers the
// hops in the order the answers name them.
func (r *runner) routePAC(ctx context.Context) ([]*hop, string, *fault) {
	rc := r.cfg.Relay
	np, err := route.ParseNoProxy(rc.NoProxy)
	if err != nil {
		return nil, "", fail(msg.ConfigInvalid, "no_proxy: %v", err)
	}
	// Whether the relay would send a proxy ferry's credentials: only
	// configured parents and auth.allow_hosts get them.
	credentials := map[string]bool{}
	pr, err := route.NewPAC(route.PACConfig{
		Location: rc.PAC, Fallback: route.FallbackFail, AllowHosts: rc.AllowHosts,
		NewUpstream: func(addr string, allowed bool) *parent.Upstream {
			credentials[addr] = allowed
			// Only its address is used here; the checks make their own.
			return parent.New(parent.Config{Addr: addr})
		},
	}, route.NewStatic(np, nil, false))
	if err != nil {
		return nil, "", fail(msg.ConfigInvalid, "%v", err)
	}
	defer pr.Close()
	var hops []*hop
	at := func(addr string) *hop {
		for _, h := range hops {
			if h.addr == addr {
				return h
			}
		}
		h := &hop{addr: addr, tests: tests{auth: rc.Auth}}
		if addr != "" && !credentials[addr] {
			h.auth = nil
			if rc.Auth.Enabled() {
				h.noCredentials = "the PAC names " + addr + ", which is not in parents or auth.allow_hosts, so ferry sends it no credentials; if it is your company's proxy, add \"" +
					hostOnly(addr) + "\" to auth.allow_hosts"
			}
		}
		hops = append(hops, h)
		return h
	}
	httpURL, httpsURL := r.urls()
	var said []string
	for _, u := range []string{httpURL, httpsURL} {
		if u == "" {
			continue
		}
		hostport, pacURL := pacTarget(u)
		dec, err := pr.Route(ctx, hostport, pacURL)
		if err != nil {
			e := failure.As(err, rc.PAC)
			evidence := e.Error()
			if !strings.Contains(evidence, rc.PAC) {
				evidence = "PAC " + rc.PAC + ": " + evidence
			}
			return nil, "", &fault{verdict: e.Verdict(), evidence: evidence}
		}
		var addrs, names []string
		for _, p := range dec.Parents {
			addrs, names = append(addrs, p.Addr()), append(names, "PROXY "+p.Addr())
		}
		if dec.Direct || dec.FallbackDirect {
			addrs, names = append(addrs, ""), append(names, "DIRECT")
		}
		for _, a := range addrs {
			h := at(a)
			if strings.HasPrefix(u, "https:") {
				h.httpsURL = u
			} else {
				h.httpURL = u
			}
		}
		said = append(said, u+": "+strings.Join(names, "; "))
	}
	return hops, msg.T(r.lang, "detail.pac", "pac", rc.PAC, "routes", strings.Join(said, ", ")), nil
}

// pacTarget is the host:port a request for u goes to and the URL the PAC
// sees for it, as the relay passes them: the whole URL of a GET, and
// route.TunnelURL for the CONNECT of an https URL.
func pacTarget(u string) (hostport, pacURL string) {
	if strings.HasPrefix(u, "https:") {
		hostport = hostPort(u)
		return hostport, route.TunnelURL(hostport)
	}
	pu, err := url.Parse(u)
	if err != nil {
		return u, u
	}
	port := pu.Port()
	if port == "" {
		port = "80"
	}
	return net.JoinHostPort(pu.Hostname(), port), u
}

// direct checks the test URLs the PAC sends DIRECT as the relay goes
// there: a TCP connection for the https URL's tunnel, a GET for the http
// URL. Any answer from the site will do; no answer is origin_unreachable,
// in origin_direct's words (the site, not a parent).
func (r *runner) direct(ctx context.Context, httpURL, httpsURL string) *fault {
	connectTO, headerTO := r.timeouts()
	d := &net.Dialer{Timeout: connectTO}
	if httpsURL != "" {
		target := hostPort(httpsURL)
		if f := r.step("direct", "", func() (string, *fault) {
			c, err := d.DialContext(ctx, "tcp", target)
			if err != nil {
				return "", directFault(target, err)
			}
			c.Close()
			return msg.T(r.lang, "detail.connected", "addr", target), nil
		}); f != nil {
			return f
		}
	}
	if httpURL == "" {
		return nil
	}
	return r.step("direct", "", func() (string, *fault) {
		hostport, _ := pacTarget(httpURL)
		tr := &http.Transport{Proxy: nil, DialContext: d.DialContext, ResponseHeaderTimeout: headerTO, DisableCompression: true}
		defer tr.CloseIdleConnections()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, httpURL, nil)
		if err != nil {
			return "", fail(msg.ConfigInvalid, "test URL %q: %v", httpURL, err)
		}
		req.Header.Set("User-Agent", "ferry-doctor")
		req.Header.Set("Via", via)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			return "", directFault(hostport, err)
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return msg.T(r.lang, "detail.status", "target", "GET "+httpURL, "status", resp.Status), nil
	})
}

// directFault is a site the PAC sends DIRECT that did not answer,
// classified by the relay's dial classifier as an error page would be.
func directFault(hostport string, err error) *fault {
	e := failure.Classify(err, hostport, false)
	return &fault{verdict: e.Verdict(), evidence: "cannot reach " + hostport + " directly (the PAC says DIRECT): " + e.Error(),
		words: "origin_direct", peer: hostport}
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}
