// Package splice moves bytes both ways between two connections until both
// directions end: CONNECT and port tunnels, WebSocket upgrades and SOCKS5
// sessions all end up here. Half-closes pass through (a side that finished
// sending gets CloseWrite on the other connection), an idle timeout ends a
// tunnel that carried nothing either way, and a Set tracks open tunnels so
// shutdown can wait for them.
//
// Between two TCP connections on Linux the bytes go through a kernel pipe
// with splice(2) (splice_linux.go says why not io.Copy's own); elsewhere, or
// when a socket cannot be spliced, through a buffer that stays small while
// the tunnel is quiet.
//
// Body moves one way only, a counted number of bytes (or up to the end of
// the source): a plain-HTTP response body from a parent's socket to an
// app's, spliced on Linux like a tunnel, stopping exactly at the body's
// end so that the parent connection can carry the next response.
//
// It does not dial, route or speak any protocol: callers hand it two
// connections that are ready to carry bytes.
package splice
