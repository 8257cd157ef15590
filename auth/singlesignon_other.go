//go:build !windows

package auth

// OSSingleSignOn is Kerberos from the ticket cache that kinit (or the
// desktop's logon) fills.
var OSSingleSignOn = SingleSignOn{
	Schemes: "Kerberos from the ticket cache (kinit)",
	Off:     "NTLM, Digest and Basic",
	Fix:     "get a Kerberos ticket with kinit",
}
