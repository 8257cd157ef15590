package report

import (
	"cmp"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/failure"
)

// wantsHTML reports whether the app asked for HTML (a browser) rather than
// anything (curl, libraries).
func wantsHTML(r *http.Request) bool {
	if r == nil {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// errorPage is what an app's user reads: the verdict's words in their
// language, then ferry's own message about this request.
type errorPage struct {
	Lang, Heading, Title, Cause string
	WhatLabel, FixLabel, Detail string
	DetailsLabel                string
	Steps                       []string
	Verdict                     string
}

func newErrorPage(r *http.Request, e *failure.Error) errorPage {
	lang := msg.Default
	if r != nil {
		lang = msg.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	}
	v := e.Verdict()
	until := "-"
	if !e.Until.IsZero() {
		until = e.Until.Format(time.TimeOnly)
		if time.Until(e.Until) > 12*time.Hour {
			until = e.Until.Format(time.DateTime)
		}
	}
	args := []string{"parent", cmp.Or(e.Peer, "-"), "until", until, "listen", listenOf(r)}
	// The words come from the catalogue alone, the same steps in every
	// language; e.Fix, written for logs, would repeat them.
	words := v
	if e.Direct {
		// A site reached without a parent: the verdict stays, but a page
		// that spoke of a parent proxy would send the reader the wrong way.
		words = "origin_direct"
		if e.Cause == failure.ProxyLoop {
			words = "proxy_loop_direct" // the site is ferry itself
		}
	}
	return errorPage{
		Lang: lang, Heading: msg.T(lang, "page.heading"), Title: msg.Title(lang, words),
		Cause: msg.Cause(lang, words, args...), WhatLabel: msg.T(lang, "page.what"),
		FixLabel: msg.T(lang, "page.fix"), DetailsLabel: msg.T(lang, "page.details"),
		Detail: e.Error(), Steps: msg.Fix(lang, words, args...), Verdict: v,
	}
}

// listenOf is the address the app reached ferry at, for advice such as
// http_proxy=http://ADDRESS: the listener's, never the request's Host,
// which for a proxied request names the site.
func listenOf(r *http.Request) string {
	if r != nil {
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			return a.String()
		}
	}
	return defaultListen
}

// defaultListen is relay.DefaultListen, for a request that carries no
// listener's address (one made up in a test: every app's request has it).
const defaultListen = "127.0.0.1:3128"

var errorPageHTML = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - ferry</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:1em auto;padding:0 1em;color:#222}
h1{font-size:1.3em}h2{font-size:1.05em;margin-top:1.2em}code,pre{background:#f4f4f4;padding:.1em .3em;white-space:pre-wrap;word-break:break-word}
.v{color:#666;font-size:.9em}</style></head><body>
<h1>{{.Heading}}: {{.Title}}</h1>
<h2>{{.WhatLabel}}</h2><p>{{.Cause}}</p>
<h2>{{.FixLabel}}</h2><ol>{{range .Steps}}<li>{{.}}</li>{{end}}</ol>
<h2>{{.DetailsLabel}}</h2><pre>{{.Detail}}</pre>
<p class="v">ferry: {{.Verdict}}</p>
</body></html>
`))

// WriteError answers the app with e: HTML when it accepts HTML, plain
// text otherwise, in the language of its Accept-Language, with the RFC 9209
// Proxy-Status header (plus ferry's verdict as an extension parameter, which
// ferry doctor reads).
func WriteError(w http.ResponseWriter, r *http.Request, e *failure.Error) {
	p := newErrorPage(r, e)
	h := w.Header()
	h.Set("Proxy-Status", e.ProxyStatus()+"; verdict="+p.Verdict)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Language", p.Lang)
	if wantsHTML(r) {
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(e.Status())
		_ = errorPageHTML.Execute(w, p)
		return
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(e.Status())
	var b strings.Builder
	b.WriteString(p.Heading + ": " + p.Title + "\n\n" + p.Cause + "\n\n" + p.FixLabel + ":\n")
	for i, s := range p.Steps {
		b.WriteString("  " + strconv.Itoa(i+1) + ". " + s + "\n")
	}
	b.WriteString("\n" + p.DetailsLabel + ": " + p.Detail + "\n(ferry: " + p.Verdict + ")\n")
	_, _ = w.Write([]byte(b.String()))
}
