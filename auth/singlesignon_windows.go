package auth

// OSSingleSignOn is SSPI as the logged-on Windows user: Negotiate and NTLM
// both work without a password (sspi_windows.go), and there is no kinit.
var OSSingleSignOn = SingleSignOn{
	Schemes: "Negotiate and NTLM as the logged-on Windows user (SSPI)",
	Off:     "Digest and Basic",
	Fix:     "log on to Windows with your domain account (check with 'klist' in a command prompt)",
}
