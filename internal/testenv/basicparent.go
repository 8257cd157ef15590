package testenv

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
)

// BasicParent is a hand-written parent proxy on 127.0.0.1 that wants Basic
// credentials for one user: a request without them, or with others, gets a
// 407 with Proxy-Authenticate: Basic realm="corp"; a request with them gets
// the handler's answer. It is for tests that cannot have squid (the CLI's
// unit tests) and for fault injection through the handler; the happy path
// in e2e runs against squid (StartSquid with SquidAuthBasic).
type BasicParent struct {
	Addr string // 127.0.0.1:PORT

	requests, attempts atomic.Int32
}

// StartBasicParent starts a BasicParent for user and password, stopped when
// the test ends. handler answers the requests that carry the credentials;
// nil answers "parent got METHOD URL".
func StartBasicParent(t testing.TB, user, password string, handler http.Handler) *BasicParent {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if handler == nil {
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "parent got %s %s", r.Method, r.URL)
		})
	}
	p := &BasicParent{Addr: ln.Addr().String()}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		got := r.Header.Get("Proxy-Authorization")
		if got != "" {
			p.attempts.Add(1)
		}
		if got != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
			w.WriteHeader(http.StatusProxyAuthRequired)
			return
		}
		handler.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return p
}

// Requests counts the requests the parent got, with or without credentials.
func (p *BasicParent) Requests() int { return int(p.requests.Load()) }

// Attempts counts the requests that carried Proxy-Authorization, right or
// wrong: the logons a lockout policy would count.
func (p *BasicParent) Attempts() int { return int(p.attempts.Load()) }
