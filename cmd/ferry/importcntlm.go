package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/ferryproxy/ferry/config"
)

const importUsage = `Usage: ferry import cntlm [FILE] [--output FILE]

Convert a cntlm configuration (cntlm.conf or cntlm.ini) into a ferry.toml.
Without FILE, the first of these that exists is read:
` + cntlmDefaultList + `
The TOML goes to standard output, or to --output FILE (created with mode
0600, never overwritten). What cannot be carried over is listed on standard
error with the reason.

Carried over: Username, Domain, Password, PassLM, PassNT, PassNTLMv2,
Workstation, Proxy (every one, in order), NoProxy, Listen, Auth, Gateway,
Allow, Deny, SOCKS5Proxy, Tunnel and Header. The hashes keep cntlm's form:
ferry reads them as they are.

Flags:
  -o, --output FILE   write the TOML to FILE instead of standard output
  -h, --help          show this help

Example:
  ferry import cntlm /etc/cntlm.conf --output ~/.config/ferry/ferry.toml
  ferry config check --config ~/.config/ferry/ferry.toml
`

// cntlmUnixList is cntlmDefaultList on Unix, which the man page (a Unix
// document, whatever OS generates it) shows.
const cntlmUnixList = "  /etc/cntlm.conf\n  /usr/local/etc/cntlm.conf\n"

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprint(stdout, importUsage)
		return exitOK
	}
	if len(args) == 0 || args[0] != "cntlm" {
		return usageError(stderr, "import", "name what to import from: ferry import cntlm [FILE]")
	}
	fs := newFlagSet("import")
	var output string
	fs.StringVar(&output, "output", "", "")
	fs.StringVar(&output, "o", "", "")
	// Flags may come after FILE: parse around it.
	rest := args[1:]
	var files []string
	for len(rest) > 0 {
		if status, done := parseFlags(fs, rest, importUsage, stdout, stderr); done {
			return status
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) > 1 {
		return usageError(stderr, "import", "name one cntlm configuration file")
	}
	path := ""
	if len(files) == 1 {
		path = files[0]
	} else {
		for _, p := range cntlmDefaultPaths() {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
		if path == "" {
			printError(stderr, fmt.Errorf("no cntlm configuration found at %s: name the file, ferry import cntlm FILE", strings.Join(cntlmDefaultPaths(), ", ")))
			return exitError
		}
	}
	data, err := config.ReadCntlm(path)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	out, notes := config.ImportCntlm(path, data)
	for _, n := range notes {
		fmt.Fprintf(stderr, "ferry import: %s\n", n)
	}
	if output == "" {
		fmt.Fprint(stdout, out)
		return exitOK
	}
	if err := writeNewFile(output, []byte(out)); err != nil {
		printError(stderr, err)
		return exitError
	}
	fmt.Fprintf(stderr, "ferry import: wrote %s; check it with: ferry config check --config %s\n", output, output)
	return exitOK
}

// writeNewFile writes a file that may hold a password: mode 0600, and an
// existing file (perhaps a working config) is never replaced.
func writeNewFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: ferry does not overwrite it; name another file or remove it first", path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
