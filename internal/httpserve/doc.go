// Package httpserve is ferry's own HTTP/1.1 server loop for apps: it reads
// requests with http.ReadRequest, checks their framing (RFC 9112 section
// 6.1) and limits, hands each to an http.Handler with a ResponseWriter of
// its own, and keeps connections alive between requests. conn.go says why
// ferry does not use net/http's server; the types stay net/http's, so a
// handler is a plain http.Handler and takes a connection over (CONNECT,
// WebSocket) with http.NewResponseController(w).Hijack.
//
// While an answer takes a while, it watches the connection for the app
// leaving and then cancels the request's context (connreader.go). A Server
// tracks its connections so a graceful stop closes idle ones at once and
// waits for busy ones.
//
// It does not listen, accept, count connections against a limit, route or
// proxy: relay accepts, decides what each request is (forward, tunnel,
// status page) and answers it.
package httpserve
