package config

import "testing"

// TestICACLSAdvice: the advice once came out as icacls "C:\\Users\\..." (Go
// quoting), granted %USERNAME% (cmd.exe only), and dropped SYSTEM's access
// with /inheritance:r, also for the system service's config, which the
// service then could not read.
func TestICACLSAdvice(t *testing.T) {
	for _, c := range []struct {
		path, user string
		system     bool
		want       string
	}{
		{`C:\Users\alice\AppData\Roaming\ferry\ferry.toml`, `CORP\alice`, false,
			`icacls C:\Users\alice\AppData\Roaming\ferry\ferry.toml /inheritance:r /grant:r CORP\alice:F *S-1-5-18:F *S-1-5-32-544:F`},
		{`C:\Users\Alice Smith\ferry.toml`, `CORP\Alice Smith`, false,
			`icacls "C:\Users\Alice Smith\ferry.toml" /inheritance:r /grant:r "CORP\Alice Smith:F" *S-1-5-18:F *S-1-5-32-544:F`},
		{`C:\ProgramData\ferry\ferry.toml`, `CORP\alice`, true,
			`icacls C:\ProgramData\ferry\ferry.toml /inheritance:r /grant:r *S-1-5-18:F *S-1-5-32-544:F`},
	} {
		if got := icaclsAdvice(c.path, c.user, c.system); got != c.want {
			t.Errorf("icaclsAdvice(%q, %q, %v) =\n%s\nwant\n%s", c.path, c.user, c.system, got, c.want)
		}
	}
}
