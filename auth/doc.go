// Package auth answers a parent proxy's 407 challenges: it parses
// Proxy-Authenticate headers, chooses a scheme (Negotiate, NTLM, Digest, Basic)
// and produces the Proxy-Authorization value for each leg of an exchange.
//
// It owns no sockets. The relay sends each leg on the connection it chose,
// reads the 407, and hands the parsed challenge back to the Session; NTLM and
// Negotiate state therefore lives per connection in a Session, while Digest's
// nonce state lives per parent in its Scheme.
//
// Guard keeps ferry from locking a user's account: after a rejected logon it
// refuses to try the same credentials at the same parent until a cool-down
// passes or the credentials change.
//
// Where a password or hash comes from (the OS keyring, password_command,
// the prompt, cntlm's hash text) is package credentials' business; auth
// takes the result in a Config. What auth does acquire itself is what a
// scheme uses without a secret: the Kerberos ticket cache and, on
// Windows, SSPI's logged-on user (OSSingleSignOn).
package auth
