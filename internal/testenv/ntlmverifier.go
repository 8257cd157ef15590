package testenv

import (
	"os"
	"testing"
)

// NTLMVerifier is a squid NTLM auth helper that checks NTLMv2 responses
// against real passwords: Samba's ntlm_auth in squid-2.5-ntlmssp mode, backed
// by a winbindd on a standalone Samba whose SAM holds the test's users.
// Unlike ntlm_fake_auth it refuses a wrong password (NA) and sends a
// challenge with a target info block when the client asks for the target
// (NTLMSSP_REQUEST_TARGET, as cntlm and curl do).
type NTLMVerifier struct {
	Domain  string   // NTLM domain the users belong to (Samba's netbios name)
	Program string   // the squid `auth_param ntlm program` value: a script taking no arguments
	Env     []string // extra environment the helper needs: none, Program sets its own
	Dir     string   // smb.conf, Samba's databases and winbindd.log
}

// unavailable skips t, or fails it under CI=true, the way Require does for
// a missing program.
func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: not skipping)")
	}
	t.Skip(msg)
}
