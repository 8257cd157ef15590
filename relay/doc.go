// Package relay is ferry's proxy engine: listeners that accept apps' HTTP
// proxy requests (absolute-form and CONNECT), the routing that picks a parent
// proxy or a direct connection, and one Upstream per parent that keeps a pool
// of already-authenticated keep-alive connections.
//
// net/http's Transport is not used towards parents: it cannot keep the legs of
// an NTLM or Negotiate handshake on one connection, and it closes a CONNECT
// connection on a 407. An Upstream therefore writes requests and reads
// responses itself and runs the authentication loop with an auth.Session per
// connection. The app side is ferry's own HTTP/1.1 server loop
// (internal/httpserve) with net/http's request and ResponseWriter types, so
// that Server.ServeHTTP is a plain http.Handler that dispatches each request
// (forward, tunnel, ferry's own pages); tunnels take the connection over and
// copy bytes with relay/splice. What ferry says to people, its status pages
// and the error page of a failed request, is relay/report.
package relay
