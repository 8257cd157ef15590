// Package route decides how ferry reaches a host: directly, or through
// which parent proxies in which order. A Router answers with a Decision per
// request; Static routes by no_proxy (NoProxy) and the configured parents,
// healthy ones first, and PAC by a PAC script (package relay/pac runs it),
// fetched again on a timer and when the network changes, with a fallback
// when it cannot be used. ProxyPAC writes the PAC ferry serves to apps from
// the same no_proxy rules.
//
// Where things are:
//
//   - route.go: Decision (and its TryList), Router, Static
//   - pac.go: the PAC router, its fallback and which named proxies may get
//     credentials (auth.allow_hosts)
//   - noproxy.go: no_proxy patterns and their matching
//   - proxypac.go: the PAC script ferry serves at /proxy.pac
//
// It holds no connection: the parents' clients are package relay/parent's
// (a PAC's proxies are made by the relay through PACConfig.NewUpstream),
// and sending the request or tunnel is package relay's.
package route
