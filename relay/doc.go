// Package relay is ferry's proxy engine: listeners that accept apps' HTTP
// proxy requests (absolute-form and CONNECT), SOCKS5 and port tunnels,
// generations and reload, and the dispatch of each request. The layers below
// it each have a package:
//
//   - internal/httpserve: ferry's own HTTP/1.1 server loop for apps, with
//     net/http's request and ResponseWriter types, so that Server.ServeHTTP
//     is a plain http.Handler (forward, tunnel, ferry's own pages);
//   - relay/route: which parent proxies a request may use, or none
//     (static parents, a PAC file, no_proxy);
//   - relay/parent: each parent as a parent.Upstream: the pool of
//     already-authenticated keep-alive connections, the logon exchange, the
//     lockout rule, health;
//   - relay/splice: moving bytes between two connections (tunnels, SOCKS5);
//   - relay/report: what ferry says to people: the status page, its JSON,
//     metrics and the error page of a failed request;
//   - relay/failure: the one vocabulary of what went wrong;
//   - relay/acl: which clients may use ferry (allow and deny lists).
//
// Smaller helpers live in internal/: internal/hop (hop-by-hop headers and
// ferry's Via entry with its loop check), internal/netwatch (noticing a
// network change by polling the interfaces), internal/rawio.
//
// net/http's Transport is not used towards parents: it cannot keep the legs
// of an NTLM or Negotiate handshake on one connection, and it closes a
// CONNECT connection on a 407.
package relay
