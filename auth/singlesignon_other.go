//go:build !windows

package auth

// OSSingleSignOn is Kerberos from the ticket cache that kinit (or the
// desktop's logon) fills.
var OSSingleSignOn = SingleSignOn{
	Source:  "the Kerberos ticket cache",
	Schemes: "Kerberos from the ticket cache (kinit)",
	Off:     "NTLM, Digest and Basic",
	Fix:     "get a Kerberos ticket with kinit",
}
