package setup

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/credentials"
	"github.com/ferryproxy/ferry/discover"
)

// DefaultTestURL is the page the test request fetches when --test-url
// names none.
const DefaultTestURL = "http://example.com/"

// Options are ferry init's flags.
type Options struct {
	Parent string // --parent: skips the detection
	User   string // --user: alice, DOMAIN\alice or alice@REALM
	Domain string // --domain
	// Store is where the secret goes: "keyring", "config", "none", or ""
	// for the keyring where there is one, else the config file.
	Store   string
	File    string // --config: the file to write instead of the default
	TestURL string // --test-url
	// PasswordStdin reads the password even when nothing else is asked.
	PasswordStdin bool
	Yes           bool // --yes: ask nothing, no second try
	System        bool // --system: write SystemPath
	Force         bool // --force: replace an existing file
}

// Conversation is how ferry init talks to the person running it, or to
// the script: answers are read from In, a line each; tests script it.
type Conversation struct {
	In  *bufio.Reader
	Out io.Writer
	// Interactive asks for the parent and the user, and asks again after a
	// refused password; false takes the flags and defaults (--yes).
	Interactive bool
	// Password reads a password without echo.
	Password func(prompt string) (string, error)
	Getenv   func(string) string
	Keyring  credentials.KeyringStore // nil: the OS keyring
	// Limit bounds each request; 0 means initRequestTimeout.
	Limit time.Duration
	// LockoutState is ferry's lockout state file, as for PasswordChange.
	LockoutState string
}

// Run is ferry init after the flags: find the parent, ask it once without
// credentials, make one logon with them (another only when a person types
// the password again: each refusal counts towards the account's lockout),
// keep the secret and write the config file.
func Run(ctx context.Context, o Options, c Conversation) error {
	// 1. The parent.
	parent := o.Parent
	if parent == "" {
		addr, from := discover.Parent(ctx, discover.Options{Getenv: c.Getenv})
		if addr != "" {
			fmt.Fprintf(c.Out, "Found the parent proxy %s in %s.\n", addr, from)
		}
		parent = addr
	}
	if c.Interactive {
		parent = c.ask("Parent proxy (host:port)", parent)
	}
	if parent == "" {
		return errors.New("no parent proxy found: pass --parent HOST:PORT")
	}
	if err := config.CheckParent(parent); err != nil {
		return err
	}
	// Everything that can fail here is checked before the parent is asked:
	// each run after a local failure would otherwise cost another logon.
	if err := c.checkTarget(&o); err != nil {
		return err
	}
	store, err := c.checkKeyring(o.Store)
	if err != nil {
		return err
	}

	// 2. What the parent offers, asked once without credentials.
	limit := c.Limit
	if limit == 0 {
		limit = initRequestTimeout
	}
	fmt.Fprintf(c.Out, "Asking %s for %s without credentials (at most %s)...\n", parent, o.TestURL, limit)
	offered, err := probeParent(ctx, parent, o.TestURL, limit)
	if err != nil {
		return err
	}
	if offered == nil {
		fmt.Fprintf(c.Out, "The parent proxy %s asks for no credentials.\n", parent)
		return c.writeConfig(o, parent, auth.Config{Scheme: "none"}, nil)
	}
	fmt.Fprintf(c.Out, "The parent proxy %s asks for credentials: %s.\n", parent, strings.Join(offered, ", "))

	// 3. The user.
	user, domain := auth.SplitUser(o.User, o.Domain)
	if user == "" {
		user, domain = defaultUser(c.Getenv, domain)
	}
	if c.Interactive {
		id := c.ask("User (DOMAIN\\user)", auth.Config{User: user, Domain: domain}.Identity())
		user, domain = auth.SplitUser(id, "")
	}
	if user == "" {
		return errors.New("no user: pass --user USER (and --domain DOMAIN)")
	}
	cfg := auth.Config{Scheme: "auto", User: user, Domain: domain}
	id := cfg.Identity()

	// 4. The password, and one logon with it. Asked again only by a person.
	for {
		if store == "none" && !o.PasswordStdin && !c.Interactive {
			break // Kerberos from the ticket cache, or a password later
		}
		pw, err := c.Password("Password for " + id + ": ")
		if err != nil {
			return err
		}
		cfg.Password = pw
		fmt.Fprintf(c.Out, "Logging on to %s as %s with one request for %s (at most %s)...\n", parent, id, o.TestURL, limit)
		err = testLogon(ctx, parent, o.TestURL, cfg, limit, c.LockoutState)
		if err == nil {
			fmt.Fprintf(c.Out, "Logged on to %s as %s.\n", parent, id)
			break
		}
		var rej *rejectedError
		if !errors.As(err, &rej) {
			return err
		}
		if !c.Interactive {
			return fmt.Errorf("%w: nothing was written; check the user, domain and password and run ferry init again (each refused try counts towards the account's lockout)", err)
		}
		fmt.Fprintf(c.Out, "%v\n", err)
		if !c.confirm("Type the password again?", true) {
			return errors.New("the parent refused the password; nothing was written")
		}
	}

	// 5. The secret.
	pw := cfg.Password
	cfg.Password = ""
	var extra []string
	switch {
	case pw == "":
		store = "none"
	case store == "" || store == "keyring":
		k := credentials.NewKeyring(id)
		k.Store = c.Keyring
		err := k.Set(pw)
		switch {
		case err == nil:
			store = "keyring"
			extra = append(extra, "keyring = true  # the password is in "+k.String())
		case store == "keyring" || !errors.Is(err, credentials.ErrKeyringUnavailable):
			return fmt.Errorf("store the password: %w; %s", err, keyringFallback)
		default:
			fmt.Fprintln(c.Out, noKeyringNote)
			store = "config"
		}
	}
	if store == "none" {
		fmt.Fprintln(c.Out, "No password is stored: ferry run will use a Kerberos ticket (kinit), or set FERRY_PASSWORD or add password_command under [auth] (docs/credentials.md).")
	}
	if store == "config" {
		if !containsFold(offered, auth.SchemeNTLM) {
			fmt.Fprintf(c.Out, "The parent does not offer NTLM, so a hash cannot stand in for the password: nothing is stored. Use FERRY_PASSWORD or password_command (docs/credentials.md).\n")
		} else {
			h := credentials.HashPassword(user, domain, pw)
			extra = append(extra, fmt.Sprintf("pass_ntlmv2 = %s  # ferry hash: only for %s, NTLM only", config.Quote(h.NTLMv2), id))
		}
	}
	return c.writeConfig(o, parent, cfg, extra)
}

// initRequestTimeout bounds each of ferry init's two requests: offline, a
// parent can sit on a request for the default example.com for 20 s and
// more, and ferry init must not look hung.
const initRequestTimeout = 20 * time.Second

const (
	keyringFallback = "or pass --store config to keep an NTLMv2 hash in the config file instead (NTLM parents)"
	noKeyringNote   = "No OS keyring here (no Secret Service or D-Bus session): keeping an NTLMv2 hash in the config file instead."
)

// checkKeyring finds out, before the logon, whether the keyring can keep
// the password: --store keyring fails now, no --store falls back to the
// config file. It returns the store to use.
func (c Conversation) checkKeyring(store string) (string, error) {
	if store != "" && store != "keyring" {
		return store, nil
	}
	// Any account tells whether the keyring answers; this one is never set.
	k := credentials.NewKeyring("ferry init: keyring check")
	k.Store = c.Keyring
	err := k.Check()
	switch {
	case err == nil:
		return store, nil
	case store == "keyring" || !errors.Is(err, credentials.ErrKeyringUnavailable):
		return "", fmt.Errorf("%w; %s", err, keyringFallback)
	}
	fmt.Fprintln(c.Out, noKeyringNote)
	return "config", nil
}

// defaultUser is the logged-in user: USERDOMAIN\USERNAME on Windows, $USER
// (or $LOGNAME) elsewhere.
func defaultUser(getenv func(string) string, domain string) (string, string) {
	if runtime.GOOS == "windows" {
		if domain == "" {
			domain = getenv("USERDOMAIN")
		}
		return getenv("USERNAME"), domain
	}
	u := getenv("USER")
	if u == "" {
		u = getenv("LOGNAME")
	}
	return u, domain
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func (c Conversation) ask(question, def string) string {
	if def != "" {
		fmt.Fprintf(c.Out, "%s [%s]: ", question, def)
	} else {
		fmt.Fprintf(c.Out, "%s: ", question)
	}
	line, _ := c.In.ReadString('\n')
	if line = strings.TrimSpace(line); line != "" {
		return line
	}
	return def
}

func (c Conversation) confirm(question string, def bool) bool {
	hint := "[y/N]"
	if def {
		hint = "[Y/n]"
	}
	a := strings.ToLower(c.ask(question+" "+hint, ""))
	if a == "" {
		return def
	}
	return a == "y" || a == "yes"
}
