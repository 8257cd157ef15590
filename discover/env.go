package discover

import (
	"strings"
)

// fromEnv reads the proxy variables curl and most tools honour. Lower case
// comes first, as curl prefers it (curl reads no upper-case HTTP_PROXY at
// all, because of CGI's HTTP_PROXY header injection; ferry is not a CGI
// program, so it reads both). note says what was found, for ErrNotFound.
func fromEnv(getenv func(string) string) (Settings, string) {
	s := Settings{Source: "environment"}
	var skipped []string
	for _, name := range []string{"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		hp, ok := proxyHostPort(v)
		if !ok {
			// Do not echo the value: it may carry a password.
			skipped = append(skipped, name+" is not an http:// proxy")
			continue
		}
		s.Proxies = appendUnique(s.Proxies, hp)
	}
	for _, name := range []string{"no_proxy", "NO_PROXY"} {
		for _, p := range strings.Split(getenv(name), ",") {
			if p = strings.TrimSpace(p); p != "" {
				s.NoProxy = appendUnique(s.NoProxy, p)
			}
		}
	}
	note := "HTTP_PROXY, HTTPS_PROXY and ALL_PROXY unset"
	if len(skipped) > 0 {
		note = strings.Join(skipped, ", ")
	}
	return s, note
}
