package main

import (
	"context"
	"flag"
	"io"
	"time"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/discover"
	"github.com/ferryproxy/ferry/relay"
)

// startFlags are the flags that `ferry run` and `ferry doctor` share, so that
// a setup made of flags alone can be diagnosed with the same flags.
type startFlags struct {
	configPath string
	listen     stringList
	parents    stringList
	user       string
	prompt     bool
}

func (f *startFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.configPath, "config", "", "")
	fs.StringVar(&f.configPath, "c", "", "")
	fs.Var(&f.listen, "listen", "")
	fs.Var(&f.listen, "l", "")
	fs.Var(&f.parents, "parent", "")
	fs.Var(&f.parents, "p", "")
	fs.StringVar(&f.user, "user", "", "")
	fs.BoolVar(&f.prompt, "prompt", false, "")
}

// overrides puts the flags over the config file; --prompt asks on stderr.
func (f *startFlags) overrides(stderr io.Writer) config.Overrides {
	o := config.Overrides{Listen: f.listen, Parents: f.parents, User: f.user, Discover: discoverSystem(f.listen)}
	if f.prompt {
		o.Prompt = config.PromptOverride(stderr)
	}
	return o
}

// discoverSystem is the discovery `ferry run` uses; tests replace it so
// that they do not depend on the machine's proxy settings.
var discoverSystem = systemProxies

// systemProxies is discovery as `ferry run` does it: the environment, the
// OS settings, then WPAD through DNS; never ferry itself.
func systemProxies(listen []string) func() (discover.Settings, error) {
	return func() (discover.Settings, error) {
		self := append([]string{relay.DefaultListen}, listen...)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return discover.System(ctx, discover.Options{Self: self, WPAD: true})
	}
}
