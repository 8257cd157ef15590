package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/crypto/scrypt"
)

// The Guard's state file keeps rests across restarts. A rest must be
// recognised only for the same secret, yet the file must not let anyone who
// reads it test passwords quickly: each rest stores a random salt and
// scrypt(secret, salt) with the interactive-login parameters of the scrypt
// paper (N=2^15, r=8, p=1: about 100 ms and 32 MiB per guess). ferry pays
// that only when it records a rest, and once per credentials after a start
// that found a rest on disk.
const (
	scryptN      = 1 << 15
	scryptR      = 8
	scryptP      = 1
	scryptKeyLen = 32
	guardVersion = 1
)

type guardFile struct {
	Version int          `json:"version"`
	Rests   []storedRest `json:"rests,omitempty"`
	// Stronger lists the parents that offered a scheme stronger than Basic.
	Stronger []string `json:"offered_stronger_than_basic,omitempty"`
}

type storedRest struct {
	Parent      string    `json:"parent"`
	Identity    string    `json:"identity"`
	Reason      string    `json:"reason"`
	Since       time.Time `json:"since"`
	Until       time.Time `json:"until"`
	Salt        []byte    `json:"salt"`
	Fingerprint []byte    `json:"scrypt"`

	// misses holds the in-memory fingerprints already found not to match,
	// so that a changed password costs one scrypt, not one per request.
	misses map[string]bool
}

// OpenGuard returns a Guard whose rests and parent memory are kept in the
// file at path (created 0600, its directory 0700, when first needed). A file
// that cannot be read is an error; a missing one is an empty state.
func OpenGuard(path string, cooldown time.Duration, now func() time.Time) (*Guard, error) {
	g := NewGuard(cooldown, now)
	g.path = path
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return g, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lockout state: %w", err)
	}
	var f guardFile
	if err := json.Unmarshal(data, &f); err != nil || f.Version != guardVersion {
		// A damaged or foreign file holds nothing ferry can trust; it is
		// rewritten at the next change.
		return g, nil
	}
	t := g.now()
	for i := range f.Rests {
		r := f.Rests[i]
		if t.Before(r.Until) && len(r.Salt) > 0 && len(r.Fingerprint) == scryptKeyLen {
			g.stored = append(g.stored, &r)
		}
	}
	for _, p := range f.Stronger {
		g.stronger[p] = true
	}
	g.rests.Store(int64(len(g.stored)))
	return g, nil
}

// Path is the state file, "" for a Guard in memory only.
func (g *Guard) Path() string { return g.path }

func newDiskFingerprint(secret []byte) (salt, fp []byte) {
	salt = make([]byte, 16)
	_, _ = rand.Read(salt)
	return salt, diskFingerprint(secret, salt)
}

func diskFingerprint(secret, salt []byte) []byte {
	fp, err := scrypt.Key(secret, salt, scryptN, scryptR, scryptP, scryptKeyLen)
	if err != nil {
		panic("auth: scrypt parameters: " + err.Error()) // constants: cannot happen
	}
	return fp
}

// adopt moves a rest read from the file for parent and a's identity into
// the in-memory map under key, when a's secret has its fingerprint. The
// caller holds mu.
func (g *Guard) adopt(parent string, a *Authenticator, key, fp string, now time.Time) {
	for i, r := range g.stored {
		if r.Parent != parent || r.Identity != a.Identity() || r.misses[fp] {
			continue
		}
		if !now.Before(r.Until) {
			continue
		}
		if subtle.ConstantTimeCompare(diskFingerprint(a.secretMaterial(), r.Salt), r.Fingerprint) != 1 {
			if r.misses == nil {
				r.misses = map[string]bool{}
			}
			r.misses[fp] = true
			continue
		}
		g.fails[key] = LockedOut{Key: key, Parent: parent, Identity: r.Identity, Reason: r.Reason,
			Since: r.Since, Until: r.Until, salt: r.Salt, fp: r.Fingerprint}
		g.stored = append(g.stored[:i], g.stored[i+1:]...)
		return
	}
}

// save counts the rests and writes the state file, when there is one; every
// change of fails or stored ends with it. The caller holds mu.
// A failure is kept for SaveError: the rest still holds in memory.
func (g *Guard) save() {
	now := g.now()
	g.stored = slices.DeleteFunc(g.stored, func(r *storedRest) bool { return !now.Before(r.Until) })
	g.rests.Store(int64(len(g.fails) + len(g.stored)))
	if g.path == "" {
		return
	}
	f := guardFile{Version: guardVersion}
	for _, l := range g.fails {
		if now.Before(l.Until) && l.fp != nil {
			f.Rests = append(f.Rests, storedRest{Parent: l.Parent, Identity: l.Identity, Reason: l.Reason,
				Since: l.Since, Until: l.Until, Salt: l.salt, Fingerprint: l.fp})
		}
	}
	for _, r := range g.stored {
		if now.Before(r.Until) {
			f.Rests = append(f.Rests, *r)
		}
	}
	for p := range g.stronger {
		f.Stronger = append(f.Stronger, p)
	}
	g.saveErr = writeFileAtomic(g.path, f)
}

func writeFileAtomic(path string, f guardFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("lockout state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".lockout-*.tmp")
	if err != nil {
		return fmt.Errorf("lockout state: %w", err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600 already; Chmod says so for umasks and
	// file systems that would widen it.
	_ = tmp.Chmod(0o600)
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("lockout state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("lockout state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("lockout state: %w", err)
	}
	return nil
}
