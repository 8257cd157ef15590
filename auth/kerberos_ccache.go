package auth

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/types"
)

// ccacheLocation says where the user's ticket cache is. gokrb5 reads only
// file caches: KEYRING:, KCM: and the macOS API: caches are out of reach,
// and note then says why.
type ccacheLocation struct {
	spec string // as configured: FILE:/tmp/krb5cc_1000, DIR:/run/..., KCM:
	dir  string // DIR: collection, whose primary file names the cache
	file string // FILE: path
	note string // why the cache cannot be read, when dir and file are empty
}

// resolveCCache picks the ticket cache like MIT Kerberos: the configured
// one, else KRB5CCNAME, else /tmp/krb5cc_<uid>.
func resolveCCache(configured string, getenv func(string) string, uid int) ccacheLocation {
	spec := configured
	if spec == "" {
		spec = getenv("KRB5CCNAME")
	}
	if spec == "" {
		if uid < 0 { // Windows: no file cache by default
			return ccacheLocation{note: "no default ticket cache on this system: set auth.ccache"}
		}
		spec = "FILE:/tmp/krb5cc_" + strconv.Itoa(uid)
	}
	typ, rest, ok := strings.Cut(spec, ":")
	if !ok || len(typ) == 1 { // a bare path, or C:\... on Windows
		return ccacheLocation{spec: spec, file: spec}
	}
	switch strings.ToUpper(typ) {
	case "FILE":
		return ccacheLocation{spec: spec, file: rest}
	case "DIR":
		// DIR::path names one cache of the collection, DIR:dir the collection.
		if p, ok := strings.CutPrefix(rest, ":"); ok {
			return ccacheLocation{spec: spec, file: p}
		}
		return ccacheLocation{spec: spec, dir: rest}
	}
	return ccacheLocation{spec: spec, note: fmt.Sprintf("ticket cache %s cannot be read by ferry (only FILE: and DIR: caches can): point KRB5CCNAME or auth.ccache at a FILE: cache", spec)}
}

// path returns the cache file to read now. A DIR: collection's primary
// file can change with kswitch, so it is read each time.
func (l ccacheLocation) path() string {
	if l.dir == "" {
		return l.file
	}
	name := "tkt"
	if b, err := os.ReadFile(filepath.Join(l.dir, "primary")); err == nil {
		if s := strings.TrimSpace(string(b)); s != "" {
			name = s
		}
	}
	return filepath.Join(l.dir, name)
}

// loadedCCache is a ticket cache read from disk, with the file's identity so
// that a kinit after ferry started is noticed.
type loadedCCache struct {
	path      string
	mtime     time.Time
	size      int64
	cl        *client.Client
	principal string    // user@REALM
	tgtEnd    time.Time // when the cache's TGT expires
}

// same reports whether fi still describes the file l was read from.
func (l *loadedCCache) same(path string, fi os.FileInfo) bool {
	return l != nil && l.path == path && l.mtime.Equal(fi.ModTime()) && l.size == fi.Size()
}

// loadCCache reads the cache at path into a gokrb5 client.
func loadCCache(path string, fi os.FileInfo, conf *config.Config) (*loadedCCache, error) {
	cc, err := credentials.LoadCCache(path)
	if err != nil {
		return nil, fmt.Errorf("read ticket cache %s: %w", path, err)
	}
	realm := cc.DefaultPrincipal.Realm
	tgt, ok := cc.GetEntry(types.PrincipalName{
		NameType:   nametype.KRB_NT_SRV_INST,
		NameString: []string{"krbtgt", realm},
	})
	if !ok {
		return nil, fmt.Errorf("ticket cache %s holds no TGT for %s", path, realm)
	}
	cl, err := client.NewFromCCache(cc, conf, client.DisablePAFXFAST(true))
	if err != nil {
		return nil, fmt.Errorf("read ticket cache %s: %w", path, err)
	}
	return &loadedCCache{
		path:      path,
		mtime:     fi.ModTime(),
		size:      fi.Size(),
		cl:        cl,
		principal: cc.DefaultPrincipal.PrincipalName.PrincipalNameString() + "@" + realm,
		tgtEnd:    tgt.EndTime,
	}, nil
}
