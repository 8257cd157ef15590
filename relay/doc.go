// Package relay is ferry's proxy engine: listeners that accept apps' HTTP
// proxy requests (absolute-form and CONNECT), the routing that picks a parent
// proxy or a direct connection, forwarding and tunnels. Each parent is a
// parent.Upstream (package relay/parent: the pool of already-authenticated
// keep-alive connections, the logon exchange, the lockout rule, health).
//
// The app side is ferry's own HTTP/1.1 server loop (appconn.go) with
// net/http's request and ResponseWriter types, so that handlers are plain
// http.Handlers; tunnels take the connection over.
package relay
