package setup

// The config file ferry init writes: where, never over an existing one
// without Force, and what goes in it.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/relay"
)

// checkTarget refuses, before any request, to overwrite a config without
// --force; a person is asked, and a yes counts as --force.
func (c Conversation) checkTarget(o *Options) error {
	path, err := initConfigPath(*o)
	if err != nil {
		return fmt.Errorf("no config directory (%v): pass --config FILE", err)
	}
	if _, err := os.Stat(path); err != nil || o.Force {
		return nil
	}
	if c.Interactive && c.confirm(path+" exists. Replace it?", false) {
		o.Force = true
		return nil
	}
	return existsError(path)
}

func existsError(path string) error {
	return fmt.Errorf("%s exists: ferry init does not replace it without --force; or write another file with --config", path)
}

// initConfigPath is where ferry init writes.
func initConfigPath(o Options) (string, error) {
	switch {
	case o.File != "":
		return o.File, nil
	case o.System:
		return config.SystemPath(), nil
	}
	return config.DefaultPath()
}

// writeConfig writes the config file, mode 0600, and prints the next steps.
func (c Conversation) writeConfig(o Options, parent string, a auth.Config, extra []string) error {
	path, err := initConfigPath(o)
	if err != nil {
		return fmt.Errorf("no config directory (%v): pass --config FILE", err)
	}
	if _, err := os.Stat(path); err == nil && !o.Force {
		// checkTarget asked; the file appeared since.
		return existsError(path)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# written by ferry init on %s; see docs/credentials.md\n", time.Now().Format("2006-01-02"))
	fmt.Fprintf(&b, "listen = [%s]\nparents = [%s]\n", config.Quote(relay.DefaultListen), config.Quote(parent))
	fmt.Fprintf(&b, "no_proxy = [\"localhost\", \"127.0.0.0/8\", \"::1\"]\n\n[auth]\nscheme = %s\n", config.Quote(a.Scheme))
	if a.User != "" {
		fmt.Fprintf(&b, "user = %s\n", config.Quote(a.User))
	}
	if a.Domain != "" {
		fmt.Fprintf(&b, "domain = %s\n", config.Quote(a.Domain))
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
	if o.File != "" || o.System {
		run += " --config " + path
	}
	fmt.Fprintf(c.Out, `Wrote %s.

Next steps:
  1. Start ferry:            %s
     (or check it first:     ferry config check%s)
  2. Point your tools at it: export http_proxy=http://%s https_proxy=http://%s
     (Windows: set HTTP_PROXY and HTTPS_PROXY the same way, or the system proxy)
`, path, run, strings.TrimPrefix(run, "ferry run"), relay.DefaultListen, relay.DefaultListen)
	return nil
}
