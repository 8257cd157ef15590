package config

import "testing"

// FuzzLoadConfig feeds arbitrary text to the loader: it must return a
// Config or an error, never panic, and never accept an address the checks
// refuse. Seeds are in testdata/fuzz/FuzzLoadConfig.
func FuzzLoadConfig(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("ferry.toml", data)
		if err != nil {
			if err.Error() == "" {
				t.Error("empty error message")
			}
			return
		}
		if err := c.Finish(Overrides{Getenv: noEnv}); err != nil {
			return
		}
		for _, a := range c.Listen {
			if checkListen(a) != nil {
				t.Errorf("accepted listen %q", a)
			}
		}
		for _, a := range c.Parents {
			if CheckParent(a) != nil {
				t.Errorf("accepted parent %q", a)
			}
		}
		if len(c.Parents) == 0 || len(c.Listen) == 0 {
			t.Errorf("accepted a config without parents or listeners: %+v", c)
		}
	})
}
