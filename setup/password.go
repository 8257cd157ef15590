package setup

// ferry password: a changed password, checked with one logon at the
// parent, then stored where the config already keeps the secret.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/credentials"
)

// Where a new password goes: the place the config already keeps the secret.
const (
	StoreKeyring   = "keyring"   // the OS keyring entry (auth.keyring, or --user's entry)
	StoreFile      = "file"      // auth.password in the config file
	StoreHashes    = "hashes"    // pass_nt, pass_ntlmv2 (and pass_lm) in the config file
	StoreEnvFile   = "ferry.env" // FERRY_PASSWORD in the service's environment file
	StoreElsewhere = "elsewhere" // password_command or the shell: ferry cannot write it
)

// ErrRefused wraps the parent's refusal of the new password: nothing was
// stored.
var ErrRefused = errors.New("the parent proxy refused the new password")

// ErrNotWritable means the secret lives where ferry does not write
// (password_command, FERRY_PASSWORD in the shell): the error says what to
// update instead.
var ErrNotWritable = errors.New("ferry password cannot store the password there")

// PasswordChange is one `ferry password`: the config as loaded (with
// config.Overrides.NoSecrets, so that no old secret is asked for) and how
// to reach the parent and the stores.
type PasswordChange struct {
	Config  *config.Config
	TestURL string // the page the test logon fetches; "" is DefaultTestURL
	// EnvFile is the service's environment file; "" means ferry.env beside
	// the config file (where `ferry service install` points the unit).
	EnvFile string
	Keyring credentials.KeyringStore // nil: the OS keyring
	Out     io.Writer
	Limit   time.Duration // bounds the test logon; 0 is initRequestTimeout
	// LockoutState is ferry's lockout state file (see auth.OpenGuard): a
	// password refused within the cool-down is not tried again, and a
	// refusal rests it for ferry and ferry doctor. "" checks with a
	// guard of its own.
	LockoutState string
	// ShellPassword says FERRY_PASSWORD is set where ferry password runs;
	// Config was loaded without it, to see where the file keeps the secret.
	ShellPassword bool
}

// Where says where the new password would go, before any password is
// asked: StoreElsewhere comes with ErrNotWritable explaining what to update.
func (p PasswordChange) Where() (string, error) {
	c := p.Config
	cr := c.Creds
	switch {
	case c.Auth.User == "":
		return "", errors.New("the config names no user ([auth] user): ferry password changes a user's password; run ferry init to set ferry up")
	case c.Auth.Scheme == "none":
		return "", errors.New("auth.scheme is \"none\": ferry sends no credentials, so there is no password to change")
	case cr.PasswordCommand != "":
		return StoreElsewhere, fmt.Errorf("%w: the password comes from password_command (%q): update the secret that command reads (for example `secret-tool store` or `pass edit`); the running ferry asks the command again on its next reload (SIGHUP or a change to %s)",
			ErrNotWritable, cr.PasswordCommand, nz(c.File, "the config file"))
	case cr.PasswordFrom == "auth.password":
		return StoreFile, nil
	case cr.HasHash():
		return StoreHashes, nil
	case cr.Keyring:
		return StoreKeyring, nil
	}
	if env := p.envFile(); env != "" {
		if _, ok := readEnv(env)["FERRY_PASSWORD"]; ok {
			return StoreEnvFile, nil
		}
	}
	if p.ShellPassword {
		return StoreElsewhere, fmt.Errorf("%w: the password is only in FERRY_PASSWORD of this shell: set the new one there (and wherever ferry is started from)", ErrNotWritable)
	}
	if c.Auth.Keytab != "" {
		return "", fmt.Errorf("the config logs on with the keytab %s: renew the keytab (ktutil) instead; ferry password changes passwords", c.Auth.Keytab)
	}
	// No secret anywhere: `ferry init --store keyring` leaves the user in
	// the file and the password in the keyring entry for that user.
	return StoreKeyring, nil
}

func (p PasswordChange) envFile() string {
	if p.EnvFile != "" {
		return p.EnvFile
	}
	if p.Config.File == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(p.Config.File), "ferry.env")
}

// Apply makes one logon with pw at the first reachable parent and, when
// the parent takes it, stores pw where Where said. A refusal (ErrRefused)
// stores nothing and is the only logon spent. It returns a line saying
// where the password went.
func (p PasswordChange) Apply(ctx context.Context, pw string) (string, error) {
	where, err := p.Where()
	if err != nil {
		return "", err
	}
	if pw == "" {
		return "", errors.New("the new password is empty: nothing was stored")
	}
	c := p.Config
	if where == StoreKeyring {
		// Before the logon: a machine without a keyring must not spend one.
		if err := p.keyring().Check(); err != nil {
			return "", fmt.Errorf("%w: nothing was stored", err)
		}
	}
	// The logon checks only the new password: no old hash may stand in.
	a := c.Auth
	a.Password, a.NTHash, a.LMHash, a.NTLMv2Hash = pw, nil, nil, nil
	limit := p.Limit
	if limit == 0 {
		limit = initRequestTimeout
	}
	testURL := nz(p.TestURL, DefaultTestURL)
	parent, err := firstReachable(ctx, c.Parents)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(p.Out, "Logging on to %s as %s with one request for %s (at most %s)...\n", parent, a.Identity(), testURL, limit)
	if err := testLogon(ctx, parent, testURL, a, limit, p.LockoutState); err != nil {
		var rej *rejectedError
		if errors.As(err, &rej) {
			return "", fmt.Errorf("%w for %s at %s%s: nothing was stored; check it and run ferry password again (each refused try counts towards the account's lockout)",
				ErrRefused, a.Identity(), parent, rej.earlier())
		}
		return "", fmt.Errorf("%w: nothing was stored", err)
	}
	fmt.Fprintf(p.Out, "Logged on to %s as %s.\n", parent, a.Identity())
	return p.store(where, pw)
}

// store writes pw to where.
func (p PasswordChange) store(where, pw string) (string, error) {
	c := p.Config
	switch where {
	case StoreKeyring:
		k := p.keyring()
		if err := k.Set(pw); err != nil {
			return "", fmt.Errorf("store the password: %w", err)
		}
		if c.Creds.Keyring || c.File == "" {
			return "Stored the new password in " + k.String() + ".", nil
		}
		// The file named a user and no secret: ferry run asks the keyring
		// only for --user or with keyring = true, so the file gets the key.
		if err := editFile(c.File, func(src string) (string, error) {
			return addKeyAfter(src, "auth", "user", "keyring = true  # the password is in the OS keyring (ferry password)")
		}); err != nil {
			return "", fmt.Errorf("stored the new password in %s, but: %w; add keyring = true under [auth] yourself", k, err)
		}
		return "Stored the new password in " + k.String() + " and keyring = true under [auth] in " + c.File + ".", nil
	case StoreFile:
		if err := editFile(c.File, func(src string) (string, error) {
			return setKeys(src, "auth", map[string]string{"password": config.Quote(pw)})
		}); err != nil {
			return "", err
		}
		return "Stored the new password as auth.password in " + c.File + ".", nil
	case StoreHashes:
		h := credentials.HashPassword(c.Auth.User, c.Auth.Domain, pw)
		keys := map[string]string{}
		if c.Creds.PassLM != "" {
			keys["pass_lm"] = config.Quote(h.LM)
		}
		if c.Creds.PassNT != "" {
			keys["pass_nt"] = config.Quote(h.NT)
		}
		if c.Creds.PassNTLMv2 != "" {
			keys["pass_ntlmv2"] = config.Quote(h.NTLMv2)
		}
		if err := editFile(c.File, func(src string) (string, error) { return setKeys(src, "auth", keys) }); err != nil {
			return "", err
		}
		return "Stored new hashes of the password in " + c.File + ".", nil
	case StoreEnvFile:
		env := p.envFile()
		if err := editFile(env, func(src string) (string, error) { return setEnv(src, "FERRY_PASSWORD", pw) }); err != nil {
			return "", err
		}
		return "Stored the new password as FERRY_PASSWORD in " + env + ".", nil
	}
	return "", fmt.Errorf("no store %q", where)
}

func (p PasswordChange) keyring() credentials.Keyring {
	k := credentials.NewKeyring(p.Config.Auth.Identity())
	k.Store = p.Keyring
	return k
}

// firstReachable is the first parent that accepts a TCP connection, so
// that the one logon goes where ferry run's requests would go.
func firstReachable(ctx context.Context, parents []string) (string, error) {
	if len(parents) == 0 {
		return "", errors.New("the config names no parent proxy (parents): ferry password logs on at one to check the password")
	}
	var errs []error
	for _, p := range parents {
		d := net.Dialer{Timeout: 5 * time.Second}
		conn, err := d.DialContext(ctx, "tcp", p)
		if err == nil {
			conn.Close()
			return p, nil
		}
		errs = append(errs, err)
	}
	return "", fmt.Errorf("no parent proxy answers (%w): nothing was stored; check the network (VPN) and run ferry password again", errors.Join(errs...))
}

// Reload asks a ferry running with this config to take the new password
// at once: it checks the config file's modification time every 2 s
// (cmd/ferry/reload.go), so touching the file reloads it on every OS, and
// the reload reads the keyring again. A file the password went into has
// changed already. ferry.env is read by the service manager at start only.
func (p PasswordChange) Reload(where string) string {
	c := p.Config
	switch {
	case where == StoreEnvFile:
		return "The service reads " + p.envFile() + " when it starts: restart it with `ferry service restart`."
	case c.File == "":
		return "No config file to signal a running ferry with: restart it, or send it SIGHUP."
	case where == StoreKeyring:
		now := time.Now()
		if err := os.Chtimes(c.File, now, now); err != nil {
			return fmt.Sprintf("Could not touch %s to reload a running ferry (%v): send it SIGHUP or restart it.", c.File, err)
		}
	}
	return "A ferry running with " + c.File + " takes it within seconds, without a restart."
}

func nz(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
