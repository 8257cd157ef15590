package relay

import (
	"fmt"
	"net/http"

	"github.com/ferryproxy/ferry/relay/route"
)

// serveProxyPAC answers /proxy.pac for apps that want a PAC: DIRECT for
// what no_proxy sends directly, ferry itself for everything else (ferry
// then applies its own routing, a corporate PAC included).
func (s *Server) serveProxyPAC(w http.ResponseWriter, r *http.Request) {
	// The listener the app reached, never its Host header: a page on any
	// site could otherwise have ferry serve a PAC naming a proxy of its
	// choosing (DNS rebinding), and the Host goes into a script.
	self := listenOf(r)
	w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	fmt.Fprint(w, route.ProxyPAC(s.gen.Load().cfg.NoProxy, self))
}
