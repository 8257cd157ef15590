package parent

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/ferryproxy/ferry/auth"
)

// A 407 is not always the parent refusing ferry's credentials: it may be a
// site's own, passed on. squid 5.7, Apache 2.4 and tinyproxy 1.11 strip the
// site's Proxy-Authenticate (siteProxyAuthError covers that), but squid
// keeps it when it forwards to a cache_peer with login=PASS or PASSTHRU (a
// chain of proxies that passes credentials on, RFC 9110 11.7.1), and
// Apache's mod_auth_gssapi adds its own "Negotiate <token>" to a site's 407.
// Taken for a refusal, such a 407 rests good credentials: one plain http://
// link on any web page would lock every app out (docs/doctor.md has the
// measurements).
//
// Two things tell the site's 407 from the parent's after ferry's
// credentials went out:
//
//   - a Negotiate token that says the parent accepted ferry's ticket
//     (auth.NegotiateAccepted);
//   - the headers a parent puts on its own 407 page (squid's Server,
//     Mime-Version, X-Squid-Error, X-Cache-Lookup, its error page's
//     Content-Type; Apache's Content-Type): ferry learns them from the
//     407s that answer a leg without complete credentials, which only the
//     parent can send, and a 407 that lacks one of them, or has another
//     value, was not written by the parent.
//
// When ferry has not seen one of the parent's own 407s yet (it sent a
// Kerberos ticket or a configured scheme's header at once), it asks for one,
// once per parent: the same request head without credentials on a new
// connection, which costs no logon. When the marks match, or the parent's
// own 407s carry none of these headers, a 407 after ferry's credentials
// stays a refusal: resting a good
// password for a while costs less than sending a wrong one again.

// ownMarkHeaders are the response headers whose values make up a 407's
// marks. Content-Length, Date and Content-Language vary between a parent's
// own pages; these do not (measured: squid's 407 to no credentials and to a
// wrong password, Apache's likewise). squid appends its own X-Cache and
// X-Cache-Lookup to what it forwards ("MISS from host:port"; its own 407
// says "NONE"), so a site that copies every header of squid's 407 still
// differs from it.
var ownMarkHeaders = []string{"Server", "Content-Type", "Mime-Version", "X-Squid-Error", "Via", "X-Cache", "X-Cache-Lookup"}

// maxOwnMarks bounds the marks kept per parent: a name that leads to
// several proxies (a load balancer) may show a few.
const maxOwnMarks = 8

// marks are the values of ownMarkHeaders in a response's head, "" for
// those it lacks.
func marks(h http.Header) []string {
	m := make([]string, len(ownMarkHeaders))
	for i, k := range ownMarkHeaders {
		m[i] = strings.Join(h.Values(k), ",")
	}
	return m
}

// like reports whether m has every mark own has, with the same value. A
// header own lacks says nothing: a parent may add headers to its refusal
// that its 407 to no credentials lacks, and that must not make a refusal
// look like a site's 407.
func like(own, m []string) bool {
	for i, v := range own {
		if v != "" && m[i] != v {
			return false
		}
	}
	return true
}

// noteOwn407 remembers the marks of a 407 the parent wrote itself, if it
// carries any.
func (u *Upstream) noteOwn407(h http.Header) {
	m := marks(h)
	if !slices.ContainsFunc(m, func(v string) bool { return v != "" }) {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if slices.ContainsFunc(u.own407, func(o []string) bool { return slices.Equal(o, m) }) {
		return
	}
	if len(u.own407) >= maxOwnMarks {
		u.own407 = u.own407[1:]
	}
	u.own407 = append(u.own407, m)
}

// unlikeOwn407 reports whether ferry knows marks of the parent's own 407s
// and h is like none of them; known is false when it knows none.
func (u *Upstream) unlikeOwn407(h http.Header) (unlike, known bool) {
	m := marks(h)
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.own407) == 0 {
		return false, false
	}
	return !slices.ContainsFunc(u.own407, func(o []string) bool { return like(o, m) }), true
}

// askOwn407 sends the trip's request head without credentials (as a HEAD,
// without a body) on a new connection, and notes the parent's 407 to it.
// It sends no credentials, so it costs no logon.
func (tr *trip) askOwn407(ctx context.Context) {
	u := tr.u
	c, err := u.dial(ctx)
	if err != nil {
		return
	}
	defer c.Close()
	resp, err := tr.askHead(ctx, c)
	if err != nil {
		return
	}
	if resp.StatusCode == http.StatusProxyAuthRequired && len(resp.Header.Values("Proxy-Authenticate")) > 0 {
		u.noteOwn407(resp.Header)
	}
}

// credentialsComplete reports whether the request that drew the 407 was
// already logged on: it carried a final leg (Basic, Digest, NTLM's type 3,
// a Kerberos ticket), or went without a header on a connection NTLM or
// Negotiate logged on.
func (tr *trip) credentialsComplete() bool {
	if tr.st != nil && tr.st.sent {
		return tr.st.final
	}
	return tr.c.authed
}

// parentsOwn407 reports whether the 407 just read can only be the parent's:
// it answers a leg without credentials on a connection not logged on, or
// NTLM's type 1. A parent that wants credentials sends no such request on.
func (tr *trip) parentsOwn407() bool { return !tr.credentialsComplete() }

// siteAsked reports whether a 407 that offers a scheme (offered) is a
// site's own, passed on after the parent took ferry's credentials, and
// whether the parent said it accepted them (a Negotiate token).
//
// After NTLM's type 3 or a Kerberos ticket, a 407 unlike the parent's own
// is the site's when the connection turns out logged on (loggedOnHere).
// After Basic or Digest, which have no such proof, its head decides, once:
// until a request with the credentials succeeds, the next such 407 is a
// refusal. A parent whose refusal page differed from its 407 to no
// credentials (none measured does) then costs a wrong password two failed
// logons, not one for every request; a page that makes two such requests
// in a row through a parent that keeps the site's challenge rests the
// credentials. (Max-Forwards: 0 would make the parent answer a check
// itself, but squid 5.7 answers OPTIONS so with 501 before any
// authentication, and tinyproxy 1.11 forwards it.)
func (tr *trip) siteAsked(ctx context.Context, h http.Header, offered []auth.Challenge) (site, accepted bool) {
	if !tr.credentialsComplete() {
		return false, false
	}
	sent := tr.st != nil && tr.st.sent
	if sent && tr.st.scheme.Name() == auth.SchemeNegotiate {
		for _, c := range offered {
			if c.Scheme == auth.SchemeNegotiate && auth.NegotiateAccepted(c.Token) {
				return true, true
			}
		}
	}
	unlike, known := tr.u.unlikeOwn407(h)
	if !known && !tr.u.askedOwn407.Swap(true) {
		tr.askOwn407(ctx)
		unlike, _ = tr.u.unlikeOwn407(h)
	}
	if unlike && sent && tr.st.scheme.PerConnection() {
		// NTLM and Negotiate log a connection on: whether the parent
		// took ferry's credentials shows on the same connection, without
		// sending them again.
		ok := tr.loggedOnHere(ctx)
		return ok, ok
	}
	if unlike && sent && tr.u.doubted.Swap(true) {
		return false, false
	}
	return unlike, false
}

// loggedOnHere asks, after a 407 unlike the parent's own answered NTLM's
// type 3 or a Kerberos ticket, whether the parent logged the connection on:
// the same request head as a HEAD, without credentials, on the same
// connection. A parent that refused the logon answers it with its own 407
// (to no credentials, whose marks ferry knows); one that took it forwards
// the request. No credentials go out, so the question costs no logon.
func (tr *trip) loggedOnHere(ctx context.Context) bool {
	c := tr.c
	if c.broken {
		return false
	}
	resp, err := tr.askHead(ctx, c)
	if err != nil {
		return false
	}
	if resp.StatusCode != http.StatusProxyAuthRequired {
		return true
	}
	unlike, _ := tr.u.unlikeOwn407(resp.Header)
	return unlike
}

// askHead sends the trip's request head as a HEAD without credentials on
// c and reads the parent's answer, its body closed: the question costs no
// logon.
func (tr *trip) askHead(ctx context.Context, c *Conn) (*http.Response, error) {
	if err := tr.o.head().writeHead(c.bw, "", false); err != nil {
		return nil, err
	}
	if err := c.bw.Flush(); err != nil {
		c.broken = true
		return nil, err
	}
	resp, err := tr.u.readResponse(ctx, c, http.MethodHead)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return resp, nil
}
