package main

import (
	"flag"
	"io"
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
func (f *startFlags) overrides(stderr io.Writer) Overrides {
	o := Overrides{Listen: f.listen, Parents: f.parents, User: f.user, Discover: discoverSystem(f.listen)}
	if f.prompt {
		o.Prompt = PromptOverride(stderr)
	}
	return o
}
