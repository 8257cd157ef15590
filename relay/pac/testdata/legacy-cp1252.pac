/* Filiale Göteborg – proxy.pac
 * Ändrad 2009-03-02 av IT-avdelningen. Pris för licensen: 120 €.
 * Sparad i Windows-1252 (ANSI) av ett gammalt verktyg.
 */

var ort = "Göteborg €";

function FindProxyForURL(url, host)
{
	// Fel teckenkodning ger sig till känna här.
	if (ort.charCodeAt(1) != 0xF6 || ort.charCodeAt(9) != 0x20AC)
		return "PROXY wrong-encoding.invalid:1";

	if (isPlainHostName(host) || localHostOrDomainIs(host, "intra.gbg.contoso.example"))
		return "DIRECT";

	// Deep internal names (a.b.gbg.contoso.example) are always local.
	if (dnsDomainIs(host, ".gbg.contoso.example") && dnsDomainLevels(host) >= 4)
		return "DIRECT";

	if (!isResolvable(host))
		return "PROXY gbg-proxy.contoso.example:8080";

	// The Christmas freeze: only the backup proxy is staffed.
	if (dateRange(20, "DEC", 6, "JAN"))
		return "PROXY gbg-backup.contoso.example:8080";

	// Office hours (GMT, since the proxies log in GMT).
	if (weekdayRange("MON", "FRI", "GMT") && timeRange(6, 0, 17, 30, "GMT"))
		return "PROXY gbg-proxy.contoso.example:8080; PROXY gbg-backup.contoso.example:8080";

	return "PROXY gbg-backup.contoso.example:8080; DIRECT";
}
