// Package socks5 is the server side of SOCKS version 5 (RFC 1928) for
// ferry's SOCKS5 listeners: the CONNECT command with IPv4, IPv6 and domain
// name addresses, the "no authentication" method, and optionally
// username/password (RFC 1929) for gateway mode.
//
// It does not route: Serve hands the requested "host:port" to a Dialer (the
// relay's parent CONNECT or a direct dial) and copies bytes (relay/splice). A
// domain name stays a domain name, so the parent proxy resolves it, as
// curl's --socks5-hostname expects. BIND, UDP ASSOCIATE and GSSAPI authentication
// are not supported; a client asking for them gets the RFC's refusal.
package socks5
