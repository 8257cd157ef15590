package report

import (
	"fmt"
	"net/http"
)

// servePAC answers /proxy.pac for apps that want a PAC, with the script
// script writes for the listener the app reached (route.ProxyPAC: DIRECT
// for what no_proxy sends directly, ferry itself for everything else).
func servePAC(w http.ResponseWriter, r *http.Request, script func(self string) string) {
	// The listener the app reached, never its Host header: a page on any
	// site could otherwise have ferry serve a PAC naming a proxy of its
	// choosing (DNS rebinding), and the Host goes into a script.
	self := listenOf(r)
	w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	fmt.Fprint(w, script(self))
}
