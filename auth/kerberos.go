package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/spnego"
)

// ticketSource makes the SPNEGO tokens Negotiate sends. It is the seam
// around gokrb5, which is unmaintained since 2023: another implementation
// (SSPI on Windows, a maintained Kerberos library) only has to produce the
// same tokens and the same *KerberosError causes.
type ticketSource interface {
	// token returns a SPNEGO NegTokenInit carrying a Kerberos AP-REQ for
	// spn ("HTTP/proxy.corp.example"). Errors are *KerberosError.
	token(spn string) ([]byte, error)
	// close stops background TGT renewal; token must not be called after.
	close()
}

// krb5Source is the gokrb5 ticketSource. Credentials are tried in this
// order: the user's ticket cache (re-read whenever the file changes, so a
// kinit after ferry started is picked up), then a keytab, then a password.
// A client read from a cache cannot renew its TGT past the cache's renew
// limit, which is why the file is watched rather than the client kept.
type krb5Source struct {
	conf     *config.Config
	cc       ccacheLocation
	user     string // principal name without realm, for keytab/password logon
	realm    string
	password string
	kt       *keytab.Keytab
	cooldown time.Duration
	now      func() time.Time

	mu     sync.Mutex
	loaded *loadedCCache

	// logonMu serialises AS exchanges: N requests arriving together must
	// cost the account at most one failed logon, not N.
	logonMu       sync.Mutex
	logon         *client.Client
	rejected      *KerberosError
	rejectedUntil time.Time
}

// krb5Env is what newKrb5Source reads from the process, injectable for tests.
type krb5Env struct {
	getenv func(string) string
	uid    int
	now    func() time.Time
}

// newKrb5Source resolves the configuration without contacting any KDC: it
// runs on every start in auto mode and must stay cheap.
func newKrb5Source(cfg Config, env krb5Env) (*krb5Source, error) {
	if env.now == nil {
		env.now = time.Now
	}
	confPath, explicit := cfg.Krb5Conf, cfg.Krb5Conf != ""
	if !explicit {
		confPath = firstKrb5Conf(env.getenv("KRB5_CONFIG"))
	}
	conf, confErr := loadKrb5Conf(confPath)
	if confErr != nil && explicit {
		return nil, fmt.Errorf("kerberos: %w", confErr)
	}

	name, dom := SplitUser(cfg.User, cfg.Domain)
	realm := cfg.Realm
	if realm == "" {
		realm = strings.ToUpper(dom)
	}
	if realm == "" && conf != nil {
		realm = conf.LibDefaults.DefaultRealm
	}
	s := &krb5Source{
		conf:     conf,
		cc:       resolveCCache(cfg.CCache, env.getenv, env.uid),
		user:     name,
		realm:    realm,
		cooldown: cfg.LockoutCooldown,
		now:      env.now,
	}
	if s.cooldown <= 0 {
		s.cooldown = DefaultLockoutCooldown
	}
	if cfg.Keytab != "" {
		if name == "" {
			return nil, errors.New("kerberos: auth.keytab needs auth.user, the principal whose key it holds")
		}
		kt, err := keytab.Load(cfg.Keytab)
		if err != nil {
			return nil, fmt.Errorf("kerberos: read keytab %s: %w", cfg.Keytab, err)
		}
		s.kt = kt
	}
	if name != "" && cfg.Password != "" {
		s.password = cfg.Password
	}
	canLogon := s.kt != nil || s.password != ""
	if canLogon && realm == "" {
		return nil, fmt.Errorf("kerberos: no realm for %s: set auth.realm or write the user as user@REALM", name)
	}

	if confErr != nil {
		if !canLogon {
			return nil, fmt.Errorf("kerberos: %v, and no password or keytab: %w", confErr, ErrNoCredentials)
		}
		// Without krb5.conf, find the realm's KDCs through DNS SRV records,
		// as Windows clients of Active Directory do.
		conf = config.New()
		conf.LibDefaults.DefaultRealm = realm
		conf.LibDefaults.DNSLookupKDC = true
		s.conf = conf
	}
	return s, nil
}

// firstKrb5Conf picks the krb5.conf to read: the first existing file of
// KRB5_CONFIG (a colon-separated list, like MIT's), else /etc/krb5.conf.
func firstKrb5Conf(list string) string {
	for _, p := range filepath.SplitList(list) {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if list != "" {
		return filepath.SplitList(list)[0]
	}
	return "/etc/krb5.conf"
}

func loadKrb5Conf(path string) (*config.Config, error) {
	conf, err := config.Load(path)
	var unsupported config.UnsupportedDirective
	if err != nil && !errors.As(err, &unsupported) {
		return nil, fmt.Errorf("krb5.conf %s cannot be used: %w", path, err)
	}
	return conf, nil
}

func (s *krb5Source) principal() string { return s.user + "@" + s.realm }

func (s *krb5Source) token(spn string) ([]byte, error) {
	cl, who, fromLogon, err := s.client()
	if err != nil {
		return nil, err
	}
	ct, err := spnego.SPNEGOClient(cl, spn).InitSecContext()
	if err != nil {
		ke := classifyKerberos("get a ticket for "+spn+" as "+who, who, spn, err)
		if fromLogon && errors.Is(ke, ErrRejected) {
			// gokrb5 logs on again by itself when the TGT runs out; a
			// password changed meanwhile is rejected there.
			s.logonMu.Lock()
			s.reject(ke)
			s.logonMu.Unlock()
		}
		return nil, ke
	}
	b, err := ct.Marshal()
	if err != nil {
		return nil, &KerberosError{Op: "encode the token for " + spn, Err: err}
	}
	return b, nil
}

// client returns the gokrb5 client to use now and whose it is.
func (s *krb5Source) client() (cl *client.Client, who string, fromLogon bool, err error) {
	l, ccErr := s.fromCCache()
	if ccErr == nil {
		return l.cl, l.principal, false, nil
	}
	if s.kt == nil && s.password == "" {
		return nil, "", false, ccErr
	}
	cl, err = s.logonClient()
	return cl, s.principal(), true, err
}

// fromCCache returns the cache's client when it holds a TGT still valid.
func (s *krb5Source) fromCCache() (*loadedCCache, error) {
	const hint = "run kinit or set auth.password"
	if s.cc.note != "" {
		return nil, &KerberosError{Op: "find a ticket", Kind: ErrKerberosNoTicket, Detail: s.cc.note}
	}
	path := s.cc.path()
	s.mu.Lock()
	defer s.mu.Unlock()
	fi, err := os.Stat(path)
	if err != nil {
		s.loaded = nil
		return nil, &KerberosError{Op: "find a ticket", Kind: ErrKerberosNoTicket,
			Detail: fmt.Sprintf("no ticket cache at %s: %s", path, hint)}
	}
	if !s.loaded.same(path, fi) {
		l, err := loadCCache(path, fi, s.conf)
		if err != nil {
			s.loaded = nil
			return nil, &KerberosError{Op: "find a ticket", Kind: ErrKerberosNoTicket,
				Detail: fmt.Sprintf("%v: %s", err, hint), Err: err}
		}
		s.loaded = l
	}
	if !s.now().Before(s.loaded.tgtEnd) {
		return nil, &KerberosError{Op: "find a ticket", Kind: ErrKerberosTicketExpired,
			Detail: fmt.Sprintf("the ticket of %s in %s expired at %s: %s",
				s.loaded.principal, path, s.loaded.tgtEnd.Local().Format(time.DateTime), hint)}
	}
	return s.loaded, nil
}

// logonClient returns a client logged on with the keytab or password,
// logging on first if needed. gokrb5 renews its TGT in the background and
// logs on again when the TGT can no longer be renewed.
func (s *krb5Source) logonClient() (*client.Client, error) {
	s.logonMu.Lock()
	defer s.logonMu.Unlock()
	if s.rejected != nil {
		if s.now().Before(s.rejectedUntil) {
			return nil, s.rejected
		}
		s.rejected = nil
	}
	if s.logon != nil {
		return s.logon, nil
	}
	var cl *client.Client
	if s.kt != nil {
		cl = client.NewWithKeytab(s.user, s.realm, s.kt, s.conf, client.DisablePAFXFAST(true))
	} else {
		cl = client.NewWithPassword(s.user, s.realm, s.password, s.conf, client.DisablePAFXFAST(true))
	}
	if err := cl.Login(); err != nil {
		cl.Destroy()
		ke := classifyKerberos("log on as "+s.principal(), s.principal(), "", err)
		if errors.Is(ke, ErrRejected) {
			s.reject(ke)
			return nil, s.rejected
		}
		return nil, ke
	}
	s.logon = cl
	return cl, nil
}

// reject remembers a refused logon so that no further AS exchange is tried
// during the cool-down: every one would count towards the account's lockout.
// The caller holds logonMu.
func (s *krb5Source) reject(ke *KerberosError) {
	if s.logon != nil {
		s.logon.Destroy()
		s.logon = nil
	}
	until := s.now().Add(s.cooldown)
	r := *ke
	r.Detail += fmt.Sprintf("; ferry will not try again before %s, as each failed logon counts towards account lockout",
		until.Local().Format(time.TimeOnly))
	s.rejected, s.rejectedUntil = &r, until
}

func (s *krb5Source) close() {
	s.logonMu.Lock()
	defer s.logonMu.Unlock()
	if s.logon != nil {
		s.logon.Destroy()
		s.logon = nil
	}
}
