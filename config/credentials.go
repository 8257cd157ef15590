package config

// This file holds where ferry's password comes from (the file, FERRY_PASSWORD,
// password_command, the OS keyring, a prompt) and cntlm's hashes in [auth];
// config.go calls it while checking and finishing a Config.

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ferryproxy/ferry/credentials"
)

// Creds are the credential settings that auth.Config does not carry.
type Creds struct {
	PasswordCommand string // auth.password_command
	Keyring         bool   // auth.keyring: the password is in the OS keyring
	// PassLM, PassNT and PassNTLMv2 are cntlm's hashes as the file wrote
	// them; checkCredentialKeys puts PassNT and PassNTLMv2 into Auth.
	PassLM, PassNT, PassNTLMv2 string
	// PasswordFrom names where Auth.Password came from, for messages and
	// `ferry config show`: "auth.password", "FERRY_PASSWORD",
	// "auth.password_command", "auth.keyring" or "--prompt"; empty when no
	// password is set (yet).
	PasswordFrom string

	prompt credentials.PasswordSource
	store  credentials.KeyringStore
	// askKeyring: --user with no password anywhere else, so the OS keyring
	// is asked for the one `ferry init --store keyring` put there. Unlike
	// auth.keyring, finding none there is not an error in auto mode: a
	// Kerberos ticket may still serve.
	askKeyring bool
}

func (cr *Creds) from(o Overrides) {
	cr.prompt, cr.store = o.Prompt, o.Keyring
}

// HasHash says whether a cntlm hash (pass_lm, pass_nt, pass_ntlmv2) is set.
func (cr Creds) HasHash() bool {
	return cr.PassLM != "" || cr.PassNT != "" || cr.PassNTLMv2 != ""
}

// passwordPending reports whether resolvePassword will ask a source.
func (cr Creds) passwordPending() bool {
	return cr.prompt != nil || cr.PasswordFrom == "" && (cr.PasswordCommand != "" || cr.Keyring || cr.askKeyring)
}

// sourceName names the password's source, set or pending.
func (cr Creds) sourceName() string {
	switch {
	case cr.prompt != nil:
		return "--prompt"
	case cr.PasswordFrom != "":
		return cr.PasswordFrom
	case cr.PasswordCommand != "":
		return "auth.password_command"
	case cr.Keyring:
		return "auth.keyring"
	case cr.askKeyring:
		return keyringForUser
	}
	return "a password"
}

// secretKey is the file key that holds the secret or says where it is.
func (cr Creds) secretKey() string {
	switch {
	case cr.PasswordCommand != "":
		return "auth.password_command"
	case cr.Keyring:
		return "auth.keyring"
	case cr.PassNTLMv2 != "":
		return "auth.pass_ntlmv2"
	case cr.PassNT != "":
		return "auth.pass_nt"
	}
	return "auth.password"
}

// checkCredentialKeys checks the password sources and hashes of the file
// and decodes the hashes.
func (c *Config) checkCredentialKeys() []*problem {
	var probs []*problem
	cr := &c.Creds
	var sources []string
	for _, s := range []struct {
		key string
		set bool
	}{
		{"auth.password", c.Auth.Password != ""},
		{"auth.password_command", cr.PasswordCommand != ""},
		{"auth.keyring", cr.Keyring},
	} {
		if s.set {
			sources = append(sources, s.key)
		}
	}
	if len(sources) > 1 {
		probs = append(probs, c.problemAt(sources[1], fmt.Sprintf(
			"%s and %s are both set: keep one of them, ferry will not guess which password is right", sources[0], sources[1])))
	}
	if c.Auth.Password != "" {
		cr.PasswordFrom = "auth.password"
	}
	hashes := []struct {
		key, text string
		dst       *[]byte
	}{
		{"auth.pass_lm", cr.PassLM, &c.Auth.LMHash},
		{"auth.pass_nt", cr.PassNT, &c.Auth.NTHash},
		{"auth.pass_ntlmv2", cr.PassNTLMv2, &c.Auth.NTLMv2Hash},
	}
	for _, h := range hashes {
		if h.text == "" {
			continue
		}
		b, err := credentials.ParseCntlmHash(h.text)
		if err != nil {
			probs = append(probs, c.problemAt(h.key, h.key+": "+err.Error()))
			continue
		}
		if h.dst != nil {
			*h.dst = b
		}
	}
	return probs
}

// checkLegacy checks legacy_ntlm and pass_lm once the environment and flags
// are in: the password may come from there.
func (c *Config) checkLegacy() []*problem {
	cr := &c.Creds
	switch {
	case c.Auth.LegacyNTLM && c.Auth.Password == "" && cr.PassNT == "" && !cr.passwordPending():
		return []*problem{c.problemAt("auth.legacy_ntlm", "auth.legacy_ntlm needs the password or pass_nt: pass_ntlmv2 and pass_lm cannot make an NTLMv1 response")}
	case c.Auth.LegacyNTLM:
		c.Warnings = append(c.Warnings, "auth.legacy_ntlm is on: ferry answers NTLM with NTLMv1, which a captured exchange gives away to cracking; remove it if the parent accepts NTLMv2")
	case cr.PassLM != "":
		c.Warnings = append(c.Warnings, "auth.pass_lm is not used: ferry sends LM responses only with legacy_ntlm = true")
	}
	return nil
}

// resolvePassword asks the pending source (--prompt, password_command, the
// keyring) for the password. It runs once per start; the password is then
// turned into an NT hash by the NTLM scheme.
func (c *Config) resolvePassword() *problem {
	cr := &c.Creds
	if !cr.passwordPending() || c.Auth.User == "" || c.Auth.Scheme == "none" {
		return nil
	}
	var src credentials.PasswordSource
	name := cr.sourceName()
	switch name {
	case "--prompt":
		src = cr.prompt
	case "auth.password_command":
		src = credentials.PasswordCommand{Command: cr.PasswordCommand}
	case "auth.keyring", keyringForUser:
		k := credentials.NewKeyring(c.Auth.Identity())
		k.Store = cr.store
		src = k
	}
	pw, err := src.Password(context.Background())
	if err != nil {
		if name == keyringForUser && c.Auth.Scheme == "auto" {
			c.Warnings = append(c.Warnings, fmt.Sprintf(
				"user %s has no password: FERRY_PASSWORD and --prompt are not set, and %v; only Kerberos from the ticket cache (kinit) can be used; NTLM, Digest and Basic are off",
				c.Auth.Identity(), err))
			return nil
		}
		if name == keyringForUser {
			return &problem{at: "--user", msg: err.Error() + ", or pass --prompt"}
		}
		if name == "--prompt" {
			return &problem{at: name, msg: err.Error()}
		}
		return c.problemAt(name, err.Error())
	}
	c.Auth.Password, cr.PasswordFrom = pw, name
	return nil
}

// keyringForUser names the OS keyring asked because of --user.
const keyringForUser = "the OS keyring"

// PromptOverride is Overrides.Prompt for `ferry run --prompt`: the
// password typed at start, without echo, on the terminal.
func PromptOverride(stderr io.Writer) credentials.PasswordSource {
	return credentials.Prompt{In: os.Stdin, Out: stderr, Prompt: "ferry: password for the parent proxy: "}
}

// KeepPassword is Overrides.Prompt for a reload of a config whose password
// was typed at start: nobody is there to type it again.
func KeepPassword(running *Config) credentials.PasswordSource {
	if running == nil || running.Creds.PasswordFrom != "--prompt" {
		return nil
	}
	return typedPassword(running.Auth.Password)
}

type typedPassword string

func (p typedPassword) Password(context.Context) (string, error) { return string(p), nil }
func (typedPassword) String() string                             { return "the password typed at start" }
