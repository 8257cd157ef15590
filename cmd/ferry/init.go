package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/failure"
	relayparent "github.com/ferryproxy/ferry/relay/parent"
)

const initUsage = `Usage: ferry init [--parent HOST:PORT] [--user USER] [--domain DOMAIN]
                  [--store keyring|config|none] [--config FILE | --system]
                  [--password-stdin] [--yes] [--test-url URL]

Set ferry up in one go: find the parent proxy, ask for the user and the
password, check them with one logon at the parent, keep the secret, and
write the config file.

The parent comes from --parent, else HTTPS_PROXY/HTTP_PROXY, else the OS
proxy settings (Windows Internet Settings, macOS network settings, GNOME).
ferry init asks the parent once without credentials to learn what it
offers, then makes exactly one logon with them. When the parent refuses the
password, ferry init says so and asks again; it never retries on its own:
every failed logon counts towards the account's lockout.

Where the secret goes (--store):
  keyring  the OS keyring (Windows Credential Manager, macOS Keychain,
           Secret Service); the default where one is available
  config   pass_ntlmv2, an NTLMv2 hash only good for this user, domain
           and NTLM, in the config file (mode 0600); the default otherwise
  none     nothing: Kerberos from the ticket cache (kinit), or FERRY_PASSWORD
           or password_command added later

Flags:
  -p, --parent HOST:PORT   the parent proxy
  -u, --user USER          the user; DOMAIN\USER and USER@DOMAIN are split
  -d, --domain DOMAIN      the NTLM domain
      --store WHERE        keyring, config or none (see above)
      --password-stdin     read the password from the first line of stdin
  -y, --yes                ask nothing: take the flags and defaults (needs
                           --parent or a proxy setting to find)
  -c, --config FILE        write FILE instead of the per-user config file
      --system             write the system-wide file (/etc/ferry/ferry.toml,
                           %ProgramData%\ferry\ferry.toml) for a service
      --force              replace an existing config file
      --test-url URL       the page the test request fetches
                           (default http://example.com/)
  -h, --help               show this help

Examples:
  ferry init
  printf '%s\n' "$PW" | ferry init --parent proxy.corp.example:8080 \
      --user alice --domain CORP --password-stdin --store keyring --yes
`

const defaultTestURL = "http://example.com/"

// initOptions are ferry init's flags.
type initOptions struct {
	parent, user, domain, store, config, testURL string
	passwordStdin, yes, system, force            bool
}

// initIO is ferry init's conversation; tests script it.
type initIO struct {
	in          *bufio.Reader
	out, errOut io.Writer
	interactive bool
	// password reads a password without echo.
	password func(prompt string) (string, error)
	getenv   func(string) string
	keyring  auth.KeyringStore // nil: the OS keyring
	// limit bounds each request; 0 means initRequestTimeout.
	limit time.Duration
}

func cmdInit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("init")
	var o initOptions
	for _, n := range []string{"parent", "p"} {
		fs.StringVar(&o.parent, n, "", "")
	}
	for _, n := range []string{"user", "u"} {
		fs.StringVar(&o.user, n, "", "")
	}
	for _, n := range []string{"domain", "d"} {
		fs.StringVar(&o.domain, n, "", "")
	}
	for _, n := range []string{"config", "c"} {
		fs.StringVar(&o.config, n, "", "")
	}
	for _, n := range []string{"yes", "y"} {
		fs.BoolVar(&o.yes, n, false, "")
	}
	fs.StringVar(&o.store, "store", "", "")
	fs.StringVar(&o.testURL, "test-url", defaultTestURL, "")
	fs.BoolVar(&o.passwordStdin, "password-stdin", false, "")
	fs.BoolVar(&o.system, "system", false, "")
	fs.BoolVar(&o.force, "force", false, "")
	if status, done := parseNoArgs(fs, args, initUsage, "init", stdout, stderr); done {
		return status
	}
	switch o.store {
	case "", "keyring", "config", "none":
	default:
		return usageError(stderr, "init", fmt.Sprintf("--store %q: use keyring, config or none", o.store))
	}
	if o.system && o.config != "" {
		return usageError(stderr, "init", "--system and --config both name the file: use one")
	}
	tty := term.IsTerminal(int(os.Stdin.Fd()))
	if !o.yes && !tty {
		return usageError(stderr, "init", "standard input is not a terminal: answer with flags and --yes (see ferry help init)")
	}
	stdin := bufio.NewReader(os.Stdin)
	conv := initIO{
		in: stdin, out: stdout, errOut: stderr, interactive: !o.yes, getenv: os.Getenv,
		password: func(prompt string) (string, error) {
			if o.passwordStdin || !tty {
				return auth.ReadPasswordLine(stdin)
			}
			return auth.ReadPassword(os.Stdin, stdout, prompt)
		},
	}
	if err := runInit(ctx, o, conv); err != nil {
		printError(stderr, err)
		return exitError
	}
	return exitOK
}

// runInit is ferry init after the flags.
func runInit(ctx context.Context, o initOptions, c initIO) error {
	// 1. The parent.
	parent := o.parent
	if parent == "" {
		addr, from := detectParent(c.getenv)
		if addr != "" {
			fmt.Fprintf(c.out, "Found the parent proxy %s in %s.\n", addr, from)
		}
		parent = addr
	}
	if c.interactive {
		parent = c.ask("Parent proxy (host:port)", parent)
	}
	if parent == "" {
		return errors.New("no parent proxy found: pass --parent HOST:PORT")
	}
	if err := checkParent(parent); err != nil {
		return err
	}
	// Everything that can fail here is checked before the parent is asked:
	// each run after a local failure would otherwise cost another logon.
	if err := c.checkTarget(&o); err != nil {
		return err
	}
	store, err := c.checkKeyring(o.store)
	if err != nil {
		return err
	}

	// 2. What the parent offers, asked once without credentials.
	limit := c.limit
	if limit == 0 {
		limit = initRequestTimeout
	}
	fmt.Fprintf(c.out, "Asking %s for %s without credentials (at most %s)...\n", parent, o.testURL, limit)
	offered, err := probeParent(ctx, parent, o.testURL, limit)
	if err != nil {
		return err
	}
	if offered == nil {
		fmt.Fprintf(c.out, "The parent proxy %s asks for no credentials.\n", parent)
		return c.writeConfig(o, parent, auth.Config{Scheme: "none"}, nil)
	}
	fmt.Fprintf(c.out, "The parent proxy %s asks for credentials: %s.\n", parent, strings.Join(offered, ", "))

	// 3. The user.
	user, domain := auth.SplitUser(o.user, o.domain)
	if user == "" {
		user, domain = defaultUser(c.getenv, domain)
	}
	if c.interactive {
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
		if store == "none" && !o.passwordStdin && !c.interactive {
			break // Kerberos from the ticket cache, or a password later
		}
		pw, err := c.password("Password for " + id + ": ")
		if err != nil {
			return err
		}
		cfg.Password = pw
		fmt.Fprintf(c.out, "Logging on to %s as %s with one request for %s (at most %s)...\n", parent, id, o.testURL, limit)
		err = testLogon(ctx, parent, o.testURL, cfg, limit)
		if err == nil {
			fmt.Fprintf(c.out, "Logged on to %s as %s.\n", parent, id)
			break
		}
		var rej *rejectedError
		if !errors.As(err, &rej) {
			return err
		}
		if !c.interactive {
			return fmt.Errorf("%w: nothing was written; check the user, domain and password and run ferry init again (each refused try counts towards the account's lockout)", err)
		}
		fmt.Fprintf(c.out, "%v\n", err)
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
		k := auth.NewKeyring(id)
		k.Store = c.keyring
		err := k.Set(pw)
		switch {
		case err == nil:
			store = "keyring"
			extra = append(extra, "keyring = true  # the password is in "+k.String())
		case store == "keyring" || !errors.Is(err, auth.ErrKeyringUnavailable):
			return fmt.Errorf("store the password: %w; %s", err, keyringFallback)
		default:
			fmt.Fprintln(c.out, noKeyringNote)
			store = "config"
		}
	}
	if store == "none" {
		fmt.Fprintln(c.out, "No password is stored: ferry run will use a Kerberos ticket (kinit), or set FERRY_PASSWORD or add password_command under [auth] (docs/credentials.md).")
	}
	if store == "config" {
		if !containsFold(offered, auth.SchemeNTLM) {
			fmt.Fprintf(c.out, "The parent does not offer NTLM, so a hash cannot stand in for the password: nothing is stored. Use FERRY_PASSWORD or password_command (docs/credentials.md).\n")
		} else {
			h := auth.HashPassword(user, domain, pw)
			extra = append(extra, fmt.Sprintf("pass_ntlmv2 = %s  # ferry hash: only for %s, NTLM only", tomlQuote(h.NTLMv2), id))
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

// checkTarget refuses, before any request, to overwrite a config without
// --force; a person is asked, and a yes counts as --force.
func (c initIO) checkTarget(o *initOptions) error {
	path, err := initConfigPath(*o)
	if err != nil {
		return fmt.Errorf("no config directory (%v): pass --config FILE", err)
	}
	if _, err := os.Stat(path); err != nil || o.force {
		return nil
	}
	if c.interactive && c.confirm(path+" exists. Replace it?", false) {
		o.force = true
		return nil
	}
	return existsError(path)
}

func existsError(path string) error {
	return fmt.Errorf("%s exists: ferry init does not replace it without --force; or write another file with --config", path)
}

// checkKeyring finds out, before the logon, whether the keyring can keep
// the password: --store keyring fails now, no --store falls back to the
// config file. It returns the store to use.
func (c initIO) checkKeyring(store string) (string, error) {
	if store != "" && store != "keyring" {
		return store, nil
	}
	// Any account tells whether the keyring answers; this one is never set.
	k := auth.NewKeyring("ferry init: keyring check")
	k.Store = c.keyring
	err := k.Check()
	switch {
	case err == nil:
		return store, nil
	case store == "keyring" || !errors.Is(err, auth.ErrKeyringUnavailable):
		return "", fmt.Errorf("%w; %s", err, keyringFallback)
	}
	fmt.Fprintln(c.out, noKeyringNote)
	return "config", nil
}

// rejectedError is the parent refusing the password: the one failure
// ferry init asks about again instead of stopping.
type rejectedError struct{ parent, identity string }

func (e *rejectedError) Error() string {
	return fmt.Sprintf("the parent proxy %s refused the password for %s", e.parent, e.identity)
}

// probeParent sends one request to parent with ferry's own client of it,
// without credentials; offered lists the schemes of the parent's 407, nil
// when the request went through.
func probeParent(ctx context.Context, parent, testURL string, limit time.Duration) (offered []string, err error) {
	e, err := throughParent(ctx, parent, testURL, nil, limit)
	switch {
	case err != nil:
		return nil, err
	case e == nil:
		return nil, nil
	case e.Verdict() == msg.CredentialsMissing:
		// The relay's error names the offered schemes only in its message:
		// "... asks for credentials (Negotiate, NTLM) and ferry has none".
		if m := offeredRE.FindStringSubmatch(e.What); m != nil {
			return strings.Split(m[1], ", "), nil
		}
		return []string{"unknown"}, nil
	}
	return nil, requestError(parent, testURL, e)
}

// requestError explains a failed test request. A parent that says nothing
// for the test page is usually waiting for the site (example.com while
// offline), which another page fixes.
func requestError(parent, testURL string, e *failure.Error) error {
	if e.Verdict() == msg.ParentTimeout {
		return fmt.Errorf("test request for %s through %s: %s: if the proxy is reachable, it cannot reach %s (offline, or outside the company network): pass --test-url with a page the proxy can reach, such as an intranet page", testURL, parent, e, testURL)
	}
	return fmt.Errorf("test request for %s through %s: %s", testURL, parent, e)
}

var offeredRE = regexp.MustCompile(`asks for credentials \(([^)]*)\)`)

// testLogon makes one request to parent with ferry's own client of it and
// the credentials of cfg.
func testLogon(ctx context.Context, parent, testURL string, cfg auth.Config, limit time.Duration) error {
	a, err := auth.New(cfg)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	e, err := throughParent(ctx, parent, testURL, a, limit)
	switch {
	case err != nil:
		return err
	case e == nil:
		return nil
	case e.Verdict() == msg.CredentialsRejected:
		return &rejectedError{parent: parent, identity: cfg.Identity()}
	}
	return requestError(parent, testURL, e)
}

// throughParent sends one GET for testURL to parent with ferry's own client
// of it (package relay/parent): ferry init uses the relay's own logon, so
// what it checks is what ferry run will do. It returns the relay's failure,
// nil when the parent answered.
func throughParent(ctx context.Context, parent, testURL string, a *auth.Authenticator, limit time.Duration) (*failure.Error, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, testURL, nil)
	if err != nil {
		return nil, fmt.Errorf("--test-url %q: %w", testURL, err)
	}
	up := relayparent.New(relayparent.Config{Addr: parent, Auth: a,
		// A fresh Guard: the one logon of this test is all it may cost.
		Guard:          auth.NewGuard(0, nil),
		ConnectTimeout: 10 * time.Second,
		// Below limit, so that a wait comes back as the relay's
		// explanation rather than a bare timeout.
		ResponseHeaderTimeout: limit * 3 / 4})
	defer up.Retire()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	resp, c, err := up.Do(ctx, relayparent.NewRequest(req, nil, "1.1 ferry-init"))
	if err != nil {
		return failure.As(err, parent), nil
	}
	// The connection first: closing an unread body would read all of it.
	c.Close()
	resp.Body.Close()
	return nil, nil
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

func (c initIO) ask(question, def string) string {
	if def != "" {
		fmt.Fprintf(c.out, "%s [%s]: ", question, def)
	} else {
		fmt.Fprintf(c.out, "%s: ", question)
	}
	line, _ := c.in.ReadString('\n')
	if line = strings.TrimSpace(line); line != "" {
		return line
	}
	return def
}

func (c initIO) confirm(question string, def bool) bool {
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

// initConfigPath is where ferry init writes.
func initConfigPath(o initOptions) (string, error) {
	switch {
	case o.config != "":
		return o.config, nil
	case o.system:
		return systemConfigPath(), nil
	}
	return DefaultConfigPath()
}

// systemConfigPath is the config of a system-wide service.
func systemConfigPath() string {
	switch runtime.GOOS {
	case "windows":
		dir := os.Getenv("ProgramData")
		if dir == "" {
			dir = `C:\ProgramData`
		}
		return filepath.Join(dir, "ferry", "ferry.toml")
	case "darwin":
		return "/Library/Application Support/ferry/ferry.toml"
	}
	return "/etc/ferry/ferry.toml"
}

// writeConfig writes the config file, mode 0600, and prints the next steps.
func (c initIO) writeConfig(o initOptions, parent string, a auth.Config, extra []string) error {
	path, err := initConfigPath(o)
	if err != nil {
		return fmt.Errorf("no config directory (%v): pass --config FILE", err)
	}
	if _, err := os.Stat(path); err == nil && !o.force {
		// checkTarget asked; the file appeared since.
		return existsError(path)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# written by ferry init on %s; see docs/credentials.md\n", time.Now().Format("2006-01-02"))
	fmt.Fprintf(&b, "listen = [%s]\nparents = [%s]\n", tomlQuote(defaultListen), tomlQuote(parent))
	fmt.Fprintf(&b, "no_proxy = [\"localhost\", \"127.0.0.0/8\", \"::1\"]\n\n[auth]\nscheme = %s\n", tomlQuote(a.Scheme))
	if a.User != "" {
		fmt.Fprintf(&b, "user = %s\n", tomlQuote(a.User))
	}
	if a.Domain != "" {
		fmt.Fprintf(&b, "domain = %s\n", tomlQuote(a.Domain))
	}
	for _, l := range extra {
		b.WriteString(l + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create the config directory: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	run := "ferry run"
	if o.config != "" || o.system {
		run += " --config " + path
	}
	fmt.Fprintf(c.out, `Wrote %s.

Next steps:
  1. Start ferry:            %s
     (or check it first:     ferry config check%s)
  2. Point your tools at it: export http_proxy=http://%s https_proxy=http://%s
     (Windows: set HTTP_PROXY and HTTPS_PROXY the same way, or the system proxy)
`, path, run, strings.TrimPrefix(run, "ferry run"), defaultListen, defaultListen)
	return nil
}
