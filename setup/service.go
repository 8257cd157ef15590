package setup

import (
	"fmt"

	"github.com/ferryproxy/ferry/config"
)

// ShellOnlyPassword explains why ferry service install must stop when the password
// exists only in this shell's FERRY_PASSWORD: the service starts without
// it, and in auto mode the config still loads (Kerberos only), so the
// check of the config alone lets it through. envFile is the file the unit
// loads ("" where there is none); getenv reads this shell's environment.
// docs/service.md promises this refusal.
func ShellOnlyPassword(cfg *config.Config, serviceEnv map[string]string, envFile string, getenv func(string) string) error {
	if getenv("FERRY_PASSWORD") == "" || serviceEnv["FERRY_PASSWORD"] != "" {
		return nil
	}
	a, cr := cfg.Auth, cfg.Creds
	if a.User == "" || a.Scheme == "none" || a.Password != "" || cr.HasHash() ||
		cr.PasswordCommand != "" || cr.Keyring || a.Keytab != "" {
		return nil
	}
	where := "keyring = true under [auth] with the password in the OS keyring ('ferry init --store keyring' puts it there), " +
		"password_command, or pass_ntlmv2 from 'ferry hash' in the config file (chmod 600)"
	if envFile != "" {
		where = fmt.Sprintf("FERRY_PASSWORD=... in %s (chmod 600), ", envFile) + where
	}
	return fmt.Errorf("the password of %s is only in this shell's FERRY_PASSWORD, which the service does not inherit: it would start with no password (Kerberos only). Put it where the service reads it: %s",
		a.Identity(), where)
}
