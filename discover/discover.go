package discover

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
)

// Settings is what one source says about the proxy to use.
type Settings struct {
	PAC     string   // a PAC URL, if the system names one
	Proxies []string // host:port of HTTP proxies, in order
	NoProxy []string // bypass patterns in ferry's no_proxy syntax; "<local>" means host names without a dot
	// Source says where the settings came from, for the log: "environment",
	// "Windows Internet Settings", "macOS scutil", "GNOME gsettings",
	// "WPAD DNS wpad.corp.example".
	Source string
}

func (s Settings) empty() bool { return s.PAC == "" && len(s.Proxies) == 0 }

// Options make System testable and tell it what ferry itself listens on.
type Options struct {
	// Self lists ferry's own listen addresses ("127.0.0.1:3128"); proxies
	// and PAC URLs pointing there are ignored.
	Self []string
	// WPAD enables WPAD through DNS after the other sources found nothing.
	WPAD bool
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Resolver looks up WPAD names; nil means net.DefaultResolver.
	Resolver interface {
		LookupHost(ctx context.Context, host string) ([]string, error)
	}
	// Run runs scutil or gsettings and returns its standard output; nil
	// runs the real command.
	Run func(ctx context.Context, name string, args ...string) ([]byte, error)
	// ResolvConf is the file with the DNS search domains for WPAD; empty
	// means /etc/resolv.conf (on Windows: the TCP/IP search list in the
	// registry).
	ResolvConf string
}

// ErrNotFound means no source named a proxy or a PAC; the error's text
// says what was tried.
var ErrNotFound = errors.New("no system proxy settings found")

// System returns the first settings found: environment, then the OS, then
// WPAD (if opt.WPAD). A source that cannot be read (gsettings not
// installed, no registry key) is skipped, not an error.
func System(ctx context.Context, opt Options) (Settings, error) {
	opt.defaults()
	var tried []string
	s, note := fromEnv(opt.Getenv)
	if kept := dropSelf(s, opt.Self); !kept.empty() {
		return kept, nil
	} else if !s.empty() {
		note = "it names ferry itself"
	}
	tried = append(tried, "environment ("+note+")")

	s, err := osSettings(ctx, &opt)
	kept := dropSelf(s, opt.Self)
	switch {
	case err == nil && !kept.empty():
		return kept, nil
	case err != nil:
		tried = append(tried, err.Error())
	case !s.empty():
		tried = append(tried, s.Source+" (it names ferry itself)")
	case s.Source != "":
		tried = append(tried, s.Source+" (no proxy set)")
	}

	if !opt.WPAD {
		tried = append(tried, "WPAD (off)")
	} else {
		s, err := wpad(ctx, &opt)
		s = dropSelf(s, opt.Self)
		if err == nil && !s.empty() {
			return s, nil
		}
		if err != nil {
			tried = append(tried, err.Error())
		}
	}
	return Settings{}, fmt.Errorf("%w: tried %s", ErrNotFound, strings.Join(tried, "; "))
}

func (o *Options) defaults() {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.Run == nil {
		o.Run = func(ctx context.Context, name string, args ...string) ([]byte, error) {
			return exec.CommandContext(ctx, name, args...).Output()
		}
	}
}
