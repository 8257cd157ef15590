package doctor

import (
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay"
	"github.com/ferryproxy/ferry/relay/report"
)

// advice looks at the local side: whether apps are pointed at ferry, what
// holds ferry's port, and the service. None of it is a failure: doctor's
// verdict is about the way out, these are about the way in.
func advice(cfg Config, st *report.Status, lang string) []string {
	var out []string
	listen := cfg.Relay.Listen
	if len(listen) == 0 {
		listen = []string{relay.DefaultListen}
	}
	if cfg.Getenv != nil {
		var unset []string
		for _, k := range []string{"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"} {
			v := cfg.Getenv(k)
			switch {
			case v == "":
				unset = append(unset, k)
			case pointsAt(v, listen):
				out = append(out, msg.T(lang, "advice.env_ok", "var", k))
			default:
				out = append(out, msg.T(lang, "advice.env_other", "var", k, "value", redactURL(v), "ferry", listen[0]))
			}
		}
		if len(unset) > 0 {
			out = append(out, msg.T(lang, "advice.env_unset", "var", strings.Join(unset, ", ")))
		}
		if cfg.Getenv("no_proxy") == "" && cfg.Getenv("NO_PROXY") == "" {
			out = append(out, msg.T(lang, "advice.no_proxy_unset"))
		}
	}
	for _, a := range listen {
		if _, port, err := net.SplitHostPort(a); err != nil || port == "0" {
			continue
		}
		switch {
		case st != nil:
			out = append(out, msg.T(lang, "advice.port_ferry", "addr", a, "version", st.Version,
				"uptime", (time.Duration(st.UptimeSeconds)*time.Second).String()))
		case portFree(a):
			out = append(out, msg.T(lang, "advice.port_free", "addr", a))
		default:
			out = append(out, msg.T(lang, "advice.port_other", "addr", a))
		}
	}
	if st != nil {
		for _, r := range st.Resting {
			out = append(out, msg.T(lang, "advice.resting", "parent", r.Parent, "until", r.Until.Format(time.TimeOnly)))
		}
	}
	if cfg.Service == nil {
		out = append(out, msg.T(lang, "advice.service_unknown"))
	} else if state, err := cfg.Service(); err != nil {
		out = append(out, msg.T(lang, "advice.service", "state", err.Error()))
	} else {
		out = append(out, msg.T(lang, "advice.service", "state", state))
	}
	return out
}

// pointsAt reports whether the proxy URL v names one of ferry's listeners;
// localhost and the loopback addresses count as the same host.
func pointsAt(v string, listen []string) bool {
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	if err != nil {
		return false
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
	}
	for _, a := range listen {
		lh, lp, err := net.SplitHostPort(a)
		if err != nil || lp != port {
			continue
		}
		if lh == host || (isLoopback(lh) && isLoopback(host)) {
			return true
		}
	}
	return false
}

func isLoopback(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// portFree reports whether nothing listens on addr, by binding it briefly.
func portFree(addr string) bool {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// redactURL hides a password in a proxy URL (http://user:pw@host).
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return v
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
