// Contoso corporate proxy auto-config (wpad.dat)
// Owner: network team <netops@contoso.example>, revision 2026-10-14.
//
// Order of the rules matters: internal exceptions first, then the
// Microsoft 365 bypass, then the location and time based choice.

var PROXY_PRIMARY = "PROXY proxy1.contoso.example:8080; PROXY proxy2.contoso.example:8080";
var PROXY_BACKUP = "PROXY proxy2.contoso.example:8080; PROXY proxy1.contoso.example:8080";
var PROXY_VPN = "PROXY vpnproxy.contoso.example:8080";
var PROXY_DEV = "PROXY devproxy.contoso.example:3128";
var PROXY_O365 = "PROXY o365.contoso.example:8081; DIRECT";
var SOCKS_LAB = "SOCKS5 labgw.contoso.example:1080";

var internalNets = [
	["10.0.0.0", "255.0.0.0"],
	["172.16.0.0", "255.240.0.0"],
	["192.168.0.0", "255.255.0.0"],
	["127.0.0.0", "255.0.0.0"]
];

// Public-facing names inside the internal domain: these go out through
// the proxy like any internet site.
var publicInternal = [
	"www.contoso.example",
	"shop*.contoso.example",
	"status.contoso.example"
];

function isInternalIP(ip) {
	for (var i = 0; i < internalNets.length; i++) {
		if (isInNet(ip, internalNets[i][0], internalNets[i][1])) {
			return true;
		}
	}
	return false;
}

function matchesAny(host, patterns) {
	for (var i = 0; i < patterns.length; i++) {
		if (shExpMatch(host, patterns[i])) {
			return true;
		}
	}
	return false;
}

function FindProxyForURL(url, host) {
	host = host.toLowerCase();

	// Short names and the local machine never use a proxy.
	if (isPlainHostName(host) || localHostOrDomainIs(host, "localhost.contoso.example")) {
		return "DIRECT";
	}

	// IPv4 literals: private ranges direct, the rest through the proxy.
	if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
		return isInternalIP(host) ? "DIRECT" : PROXY_PRIMARY;
	}

	if (dnsDomainIs(host, ".contoso.example")) {
		if (matchesAny(host, publicInternal)) {
			return PROXY_PRIMARY;
		}
		if (shExpMatch(host, "*.lab.contoso.example")) {
			return SOCKS_LAB;
		}
		if (shExpMatch(host, "*.dev.contoso.example")) {
			// The dev proxy inspects TLS; fall back to direct for https only.
			if (url.substring(0, 6) == "https:") {
				return PROXY_DEV + "; DIRECT";
			}
			return PROXY_DEV;
		}
		return "DIRECT";
	}

	// Microsoft 365 must not go through the authenticating proxies.
	if (shExpMatch(host, "*.office365.com") ||
		shExpMatch(host, "*.sharepoint.com") ||
		dnsDomainIs(host, ".windowsupdate.com")) {
		return PROXY_O365;
	}

	if (url.substring(0, 4) == "ftp:") {
		return "PROXY ftpproxy.contoso.example:2121";
	}

	// Partner sites reached over the WAN resolve to internal addresses.
	var ip = dnsResolve(host);
	if (ip && isInternalIP(ip)) {
		return "DIRECT";
	}

	// Remote users on the VPN pool use the VPN concentrator's proxy first.
	if (isInNet(myIpAddress(), "10.200.0.0", "255.255.0.0")) {
		return PROXY_VPN + "; " + PROXY_PRIMARY;
	}

	// proxy1 is patched on weekends and at night: prefer proxy2 then.
	if (!weekdayRange("MON", "FRI") || !timeRange(7, 19)) {
		return PROXY_BACKUP;
	}
	return PROXY_PRIMARY;
}
