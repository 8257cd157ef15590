// Package msg is ferry's message catalogue: every sentence that doctor, the
// error pages and the status page show people, in each language ferry
// speaks. A language is one JSON file in this directory (en.json, ja.json);
// adding a third is adding a file, and msg_test.go checks that every file
// has every message with the same placeholders.
//
// Verdict codes (Verdicts) are fixed English words: they are what scripts
// and the JSON outputs carry, whatever the language.
package msg

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
)

// The verdicts ferry doctor ends with, and the causes of the error pages.
const (
	OK                    = "ok"
	ConfigInvalid         = "config_invalid"
	ParentUnresolvable    = "parent_unresolvable"
	ParentRefused         = "parent_refused"
	ParentTimeout         = "parent_timeout"
	ParentNotProxy        = "parent_not_proxy"
	AuthSchemeUnsupported = "auth_scheme_unsupported"
	CredentialsMissing    = "credentials_missing"
	CredentialsRejected   = "credentials_rejected"
	LockedOut             = "locked_out"
	KerberosNoTicket      = "kerberos_no_ticket"
	KerberosClockSkew     = "kerberos_clock_skew"
	KerberosUnknownSPN    = "kerberos_unknown_spn"
	ParentError           = "parent_error"
	SiteBlocked           = "site_blocked"
	OriginUnreachable     = "origin_unreachable"
	// SiteProxyAuth: the site behind the parent answered 407 itself.
	SiteProxyAuth = "site_proxy_auth"
	// AuthDowngrade: a parent that offered a scheme stronger than Basic
	// now offers only Basic, and ferry will not send the password in clear.
	AuthDowngrade = "auth_downgrade"
	// KerberosPasswordRejected: the KDC refused the password or key.
	KerberosPasswordRejected = "kerberos_password_rejected"
	// SSOUnavailable: Windows single sign-on (SSPI) could not get the
	// logged-on user's credentials, and ferry has no password.
	SSOUnavailable = "sso_unavailable"
	// PACFailed: the PAC could not be fetched or evaluated (doctor checks
	// the PAC of a setup without parents; an app meets it as a 502 with
	// pac_fallback = "fail").
	PACFailed = "pac_failed"
)

// The verdicts only an error page shows: the app's request or ferry's own
// routing failed, which doctor's checks never meet.
const (
	BadRequest       = "bad_request"
	AppRequestBroken = "app_request_broken"
	ProxyLoop        = "proxy_loop"
)

// PageVerdicts lists the verdicts only an error page shows.
var PageVerdicts = []string{BadRequest, AppRequestBroken, ProxyLoop}

// Verdicts lists every verdict code, in doctor's order of checks.
var Verdicts = []string{
	OK, ConfigInvalid, PACFailed, ParentUnresolvable, ParentRefused, ParentTimeout, ParentNotProxy,
	AuthSchemeUnsupported, CredentialsMissing, CredentialsRejected, LockedOut,
	KerberosNoTicket, KerberosClockSkew, KerberosUnknownSPN, ParentError,
	SiteBlocked, OriginUnreachable, SiteProxyAuth, AuthDowngrade, KerberosPasswordRejected,
	SSOUnavailable,
}

// Default is the language used when nothing else fits.
const Default = "en"

//go:embed *.json
var files embed.FS

// catalogues maps a language tag ("en", "ja") to its messages. It is
// filled once at start from the embedded files and never changed, so it
// needs no lock.
var catalogues = load()

func load() map[string]map[string]string {
	out := map[string]map[string]string{}
	entries, err := files.ReadDir(".")
	if err != nil {
		panic("msg: " + err.Error())
	}
	for _, e := range entries {
		data, err := files.ReadFile(e.Name())
		if err != nil {
			panic("msg: " + err.Error())
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			// A broken catalogue is a build mistake, caught by the tests.
			panic(fmt.Sprintf("msg: %s: %v", e.Name(), err))
		}
		out[strings.TrimSuffix(e.Name(), path.Ext(e.Name()))] = m
	}
	return out
}

// Langs lists the languages ferry speaks, sorted.
func Langs() []string {
	var out []string
	for l := range catalogues {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Keys lists the messages of lang, sorted (for tests).
func Keys(lang string) []string {
	var out []string
	for k := range catalogues[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether the default catalogue holds key.
func Has(key string) bool {
	_, ok := catalogues[Default][key]
	return ok
}

// Raw returns the message as written in the catalogue, placeholders and all.
func Raw(lang, key string) (string, bool) {
	s, ok := catalogues[lang][key]
	return s, ok
}

// T returns the message key in lang with its {placeholders} replaced by
// args, given as name, value pairs. A language without the key falls back
// to English; a key missing everywhere returns the key itself, so a mistake
// shows rather than printing nothing.
func T(lang, key string, args ...string) string {
	s, ok := catalogues[lang][key]
	if !ok {
		if s, ok = catalogues[Default][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Steps returns a multi-line message (a verdict's fix) as its lines.
func Steps(lang, key string, args ...string) []string {
	var out []string
	for _, l := range strings.Split(T(lang, key, args...), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Cause, Title and Fix are a verdict's messages.
func Title(lang, verdict string) string { return T(lang, verdict+".title") }

// Cause is the verdict's one-sentence explanation.
func Cause(lang, verdict string, args ...string) string {
	return T(lang, verdict+".cause", args...)
}

// Fix is the verdict's numbered steps, without the numbers.
func Fix(lang, verdict string, args ...string) []string {
	return Steps(lang, verdict+".fix", args...)
}

// Placeholders lists the {names} in s, sorted and without repeats.
func Placeholders(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name := s[i+1 : i+j]
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
		s = s[i+j+1:]
	}
	sort.Strings(out)
	return out
}

// FromEnv picks the language from LC_ALL, LC_MESSAGES and LANG, in POSIX's
// order of precedence: "ja_JP.UTF-8" gives "ja". getenv nil means no
// environment (English).
func FromEnv(getenv func(string) string) string {
	if getenv == nil {
		return Default
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			return match(v)
		}
	}
	return Default
}

// FromAcceptLanguage picks the language an HTTP client asked for (RFC 9110
// 12.5.4), honouring q-values.
func FromAcceptLanguage(h string) string {
	best, bestQ := Default, -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		if tag == "" || q <= 0 {
			continue
		}
		if l := match(tag); (l != Default || strings.HasPrefix(strings.ToLower(tag), Default)) && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// match maps a locale or language tag ("ja_JP.UTF-8", "ja-JP", "C") to a
// catalogue, or Default.
func match(tag string) string {
	tag = strings.ToLower(tag)
	if i := strings.IndexAny(tag, "_-.@"); i >= 0 {
		tag = tag[:i]
	}
	if _, ok := catalogues[tag]; ok {
		return tag
	}
	return Default
}
