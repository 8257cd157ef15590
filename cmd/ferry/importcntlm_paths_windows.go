package main

import (
	"os"
	"path/filepath"
)

// cntlmDefaultList is the list of cntlmDefaultPaths for the help text.
const cntlmDefaultList = "  %ProgramFiles%\\Cntlm\\cntlm.ini\n  %ProgramFiles(x86)%\\Cntlm\\cntlm.ini\n"

// cntlmDefaultPaths are where cntlm's Windows installer puts cntlm.ini;
// the 32-bit installer lands in Program Files (x86) on 64-bit Windows.
func cntlmDefaultPaths() []string {
	var out []string
	for _, env := range []string{"ProgramFiles", "ProgramFiles(x86)"} {
		if dir := os.Getenv(env); dir != "" {
			out = append(out, filepath.Join(dir, "Cntlm", "cntlm.ini"))
		}
	}
	return out
}
