package report

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
)

// serveMetrics answers /metrics in the Prometheus text exposition format
// (version 0.0.4). Counters come from the Upstreams themselves, so the
// numbers are the ones the status page shows.
func serveMetrics(w http.ResponseWriter, rep Status) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	writeMetrics(w, rep)
}

func writeMetrics(w io.Writer, rep Status) {
	metric := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	metric("ferry_build_info", "gauge", "ferry's version, always 1.")
	fmt.Fprintf(w, "ferry_build_info{version=\"%s\"} 1\n", labelValue(rep.Version))
	metric("ferry_uptime_seconds", "gauge", "Seconds since ferry started serving.")
	fmt.Fprintf(w, "ferry_uptime_seconds %g\n", rep.UptimeSeconds)
	metric("ferry_goroutines", "gauge", "Goroutines in the ferry process (a leak shows as steady growth).")
	fmt.Fprintf(w, "ferry_goroutines %d\n", runtime.NumGoroutine())
	metric("ferry_tunnels_open", "gauge", "CONNECT tunnels and upgraded connections open now.")
	fmt.Fprintf(w, "ferry_tunnels_open %d\n", rep.Tunnels)
	metric("ferry_credentials_resting", "gauge", "Credentials in cool-down after a parent rejected them.")
	fmt.Fprintf(w, "ferry_credentials_resting %d\n", len(rep.Resting))
	per := []struct {
		name, typ, help string
		val             func(p ParentStatus) string
	}{
		{"ferry_parent_up", "gauge", "1 when the parent proxy answers (state up or resting); 0 while it is down or not tried yet.", func(p ParentStatus) string { return boolMetric(p.Up) }},
		{"ferry_parent_down", "gauge", "1 while the parent proxy is down: it refused, dropped or ignored a connection and no probe has had an answer since.", func(p ParentStatus) string { return boolMetric(p.State == ParentDown) }},
		{"ferry_parent_auth_resting", "gauge", "1 while ferry rests the credentials for the parent.", func(p ParentStatus) string { return boolMetric(p.Auth == "resting") }},
		{"ferry_parent_idle_connections", "gauge", "Idle pooled connections to the parent.", func(p ParentStatus) string { return fmt.Sprint(p.IdleConnections) }},
		{"ferry_parent_spare_connections", "gauge", "Spare connections to the parent made ready before an app asks.", func(p ParentStatus) string { return fmt.Sprint(p.SpareConnections) }},
		{"ferry_parent_spares_used_total", "counter", "Spare connections a request took.", func(p ParentStatus) string { return fmt.Sprint(p.SparesUsed) }},
		{"ferry_parent_requests_total", "counter", "Requests sent to the parent.", func(p ParentStatus) string { return fmt.Sprint(p.Requests) }},
		{"ferry_parent_handshakes_total", "counter", "Connection-based logons (NTLM, Negotiate) completed.", func(p ParentStatus) string { return fmt.Sprint(p.Handshakes) }},
		{"ferry_parent_dials_total", "counter", "TCP connections opened to the parent.", func(p ParentStatus) string { return fmt.Sprint(p.Dials) }},
		{"ferry_parent_failed_logons_total", "counter", "Logons the parent rejected.", func(p ParentStatus) string { return fmt.Sprint(p.FailedLogons) }},
	}
	for _, m := range per {
		metric(m.name, m.typ, m.help)
		for _, p := range rep.Parents {
			fmt.Fprintf(w, "%s{parent=\"%s\"} %s\n", m.name, labelValue(p.Addr), m.val(p))
		}
	}
}

func boolMetric(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// labelValue escapes a label value as the exposition format wants.
func labelValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
