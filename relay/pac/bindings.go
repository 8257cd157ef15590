package pac

import (
	"log/slog"
	"net/netip"
	"strings"

	"github.com/dop251/goja"
)

// helperNames are the functions a PAC file may call, Netscape's set and
// Microsoft's IPv6 additions; each is implemented in Go below.
var helperNames = []string{
	"alert", "dateRange", "dnsDomainIs", "dnsDomainLevels", "dnsResolve", "dnsResolveEx",
	"getClientVersion", "isInNet", "isInNetEx", "isPlainHostName", "isResolvable",
	"isResolvableEx", "localHostOrDomainIs", "myIpAddress", "myIpAddressEx",
	"shExpMatch", "sortIpAddressList", "timeRange", "weekdayRange",
}

// arg returns argument i as a string; undefined and null become "", so a
// helper called with too few arguments answers false instead of matching
// the text "undefined".
func arg(call goja.FunctionCall, i int) string {
	a := call.Argument(i)
	if goja.IsUndefined(a) || goja.IsNull(a) {
		return ""
	}
	return a.String()
}

// timeArgs converts the arguments of the time helpers to float64 or string.
func timeArgs(call goja.FunctionCall) []any {
	out := make([]any, len(call.Arguments))
	for i, a := range call.Arguments {
		switch x := a.Export().(type) {
		case int64:
			out[i] = float64(x)
		case float64:
			out[i] = x
		case string:
			out[i] = x
		default:
			out[i] = a.String()
		}
	}
	return out
}

func joinAddrs(addrs []netip.Addr) string {
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		parts[i] = a.String()
	}
	return strings.Join(parts, ";")
}

// register installs the helpers into v's runtime. The DNS helpers read v.ctx,
// the context of the evaluation in progress, so lookups stop at its deadline.
func (s *Script) register(v *vm) {
	rt := v.rt
	boolFn := func(f func(call goja.FunctionCall) bool) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value { return rt.ToValue(f(call)) }
	}
	resolve := func(network, host string) []netip.Addr {
		return lookup(v.ctx, s.opt.Resolver, network, host)
	}
	set := func(name string, f func(goja.FunctionCall) goja.Value) {
		if err := rt.Set(name, f); err != nil {
			panic("pac: registering " + name + ": " + err.Error()) // cannot fail on a fresh runtime
		}
	}

	set("isPlainHostName", boolFn(func(c goja.FunctionCall) bool { return isPlainHostName(arg(c, 0)) }))
	set("dnsDomainIs", boolFn(func(c goja.FunctionCall) bool { return dnsDomainIs(arg(c, 0), arg(c, 1)) }))
	set("localHostOrDomainIs", boolFn(func(c goja.FunctionCall) bool { return localHostOrDomainIs(arg(c, 0), arg(c, 1)) }))
	set("shExpMatch", boolFn(func(c goja.FunctionCall) bool { return shExpMatch(arg(c, 0), arg(c, 1)) }))
	set("dnsDomainLevels", func(c goja.FunctionCall) goja.Value { return rt.ToValue(dnsDomainLevels(arg(c, 0))) })

	set("isResolvable", boolFn(func(c goja.FunctionCall) bool { return len(resolve("ip4", arg(c, 0))) > 0 }))
	set("dnsResolve", func(c goja.FunctionCall) goja.Value {
		if a := resolve("ip4", arg(c, 0)); len(a) > 0 {
			return rt.ToValue(a[0].String())
		}
		return goja.Null()
	})
	set("isInNet", boolFn(func(c goja.FunctionCall) bool {
		// Browsers test the first IPv4 address, as dnsResolve returns it.
		a := resolve("ip4", arg(c, 0))
		return len(a) > 0 && isInNetAddr(a[0], arg(c, 1), arg(c, 2))
	}))
	set("myIpAddress", func(c goja.FunctionCall) goja.Value {
		for _, a := range localAddrs(s.opt.LocalIPs) {
			if a.Is4() {
				return rt.ToValue(a.String())
			}
		}
		// What browsers answer when they cannot tell.
		return rt.ToValue("127.0.0.1")
	})

	set("isResolvableEx", boolFn(func(c goja.FunctionCall) bool { return len(resolve("ip", arg(c, 0))) > 0 }))
	set("dnsResolveEx", func(c goja.FunctionCall) goja.Value { return rt.ToValue(joinAddrs(resolve("ip", arg(c, 0)))) })
	set("isInNetEx", boolFn(func(c goja.FunctionCall) bool {
		// The first argument may be an address, a host name or a list as
		// myIpAddressEx and dnsResolveEx return it: any address in the
		// prefix counts.
		prefix := arg(c, 1)
		for _, h := range strings.Split(arg(c, 0), ";") {
			for _, a := range resolve("ip", strings.TrimSpace(h)) {
				if inPrefix(a, prefix) {
					return true
				}
			}
		}
		return false
	}))
	set("myIpAddressEx", func(c goja.FunctionCall) goja.Value { return rt.ToValue(joinAddrs(localAddrs(s.opt.LocalIPs))) })
	set("sortIpAddressList", func(c goja.FunctionCall) goja.Value {
		if sorted, ok := sortIPList(arg(c, 0)); ok {
			return rt.ToValue(sorted)
		}
		return rt.ToValue(false)
	})
	set("getClientVersion", func(c goja.FunctionCall) goja.Value { return rt.ToValue("1.0") })

	set("weekdayRange", boolFn(func(c goja.FunctionCall) bool { return weekdayRange(s.opt.Now(), timeArgs(c)) }))
	set("dateRange", boolFn(func(c goja.FunctionCall) bool { return dateRange(s.opt.Now(), timeArgs(c)) }))
	set("timeRange", boolFn(func(c goja.FunctionCall) bool { return timeRange(s.opt.Now(), timeArgs(c)) }))

	set("alert", func(c goja.FunctionCall) goja.Value {
		s.opt.Logger.Info("pac alert", slog.String("pac", s.name), slog.String("message", arg(c, 0)))
		return goja.Undefined()
	})
}
