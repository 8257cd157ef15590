//go:build !windows

package main

// cntlmDefaultList is the list of cntlmDefaultPaths for the help text.
const cntlmDefaultList = cntlmUnixList

// cntlmDefaultPaths are where cntlm packages put cntlm.conf: Debian and
// RPM packages in /etc, source builds and Homebrew under /usr/local/etc.
func cntlmDefaultPaths() []string {
	return []string{"/etc/cntlm.conf", "/usr/local/etc/cntlm.conf"}
}
