package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/relay/pac"
)

const pacUsage = `Usage: ferry pac eval [FILE|URL] URL...
       ferry pac eval [--pac FILE|URL] [--config FILE] URL...
       ferry pac check FILE|URL

eval prints the PAC's decision for each URL, as ferry would apply it.
The PAC comes first, as for check: a file, or an http(s) URL followed by at
least one URL to decide for; --pac FILE|URL says the same. Without one, the
PAC is the config's pac key.
check reports syntax errors and lists the PAC helper functions the file uses.

Examples:
  ferry pac eval ./proxy.pac https://github.com/ http://intranet/
  ferry pac eval http://wpad.corp.example/wpad.dat https://github.com/
  ferry pac eval https://github.com/     # the PAC named in ferry.toml
  ferry pac check ./proxy.pac
`

// pacClient fetches a PAC directly, never through a proxy (ferry included).
var pacFetchClient = &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 15 * time.Second}

func cmdPAC(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return usageError(stderr, "pac", "say eval or check")
	}
	switch args[0] {
	case "eval":
		return pacEval(ctx, args[1:], stdout, stderr)
	case "check":
		return pacCheck(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, pacUsage)
		return exitOK
	}
	return usageError(stderr, "pac", fmt.Sprintf("unknown subcommand %q: say eval or check", args[0]))
}

func loadPAC(ctx context.Context, loc string) (*pac.Script, error) {
	src, err := pac.Load(ctx, loc, pacFetchClient)
	if err != nil {
		return nil, err
	}
	return pac.Parse(src, pac.Options{Name: loc, CacheTTL: -1})
}

func pacEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("pac eval")
	var loc, configPath string
	fs.StringVar(&loc, "pac", "", "")
	fs.StringVar(&configPath, "config", "", "")
	fs.StringVar(&configPath, "c", "", "")
	if status, done := parseFlags(fs, args, pacUsage, stdout, stderr); done {
		return status
	}
	if fs.NArg() == 0 {
		return usageError(stderr, "pac eval", "name at least one URL")
	}
	loc, urls, err := pacToEval(loc, configPath, fs.Args())
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	s, err := loadPAC(ctx, loc)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	status := exitOK
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			fmt.Fprintf(stderr, "ferry: %q is not a URL like https://example.com/\n", raw)
			status = exitError
			continue
		}
		list, err := s.FindProxy(ctx, raw, u.Hostname())
		if err != nil {
			fmt.Fprintf(stderr, "ferry: %s: %v\n", raw, err)
			status = exitError
			continue
		}
		var parts []string
		for _, p := range list {
			parts = append(parts, p.String())
		}
		fmt.Fprintf(stdout, "%s\t%s\n", raw, strings.Join(parts, "; "))
	}
	return status
}

func pacCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("pac check")
	if status, done := parseFlags(fs, args, pacUsage, stdout, stderr); done {
		return status
	}
	if fs.NArg() != 1 {
		return usageError(stderr, "pac check", "name one PAC file or URL")
	}
	s, err := loadPAC(ctx, fs.Arg(0))
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	fmt.Fprintf(stdout, "%s: ok\nfunctions used: %s\n", fs.Arg(0), strings.Join(s.Functions(), ", "))
	return exitOK
}

// pacToEval picks the PAC and the URLs of `ferry pac eval`: --pac; else a
// first argument that is not an http(s) URL (a file, as `pac check`
// takes it); else the config's pac; else a first URL followed by others.
func pacToEval(flagPAC, configPath string, args []string) (loc string, urls []string, err error) {
	if flagPAC != "" {
		return flagPAC, args, nil
	}
	if !isHTTPURL(args[0]) {
		if len(args) == 1 {
			return "", nil, fmt.Errorf("no URL to decide for: write ferry pac eval %s https://example.com/", args[0])
		}
		return args[0], args[1:], nil
	}
	path := configPathOrDefault(configPath)
	cfg, cerr := config.LoadFile(path)
	switch {
	case cerr == nil && cfg.PAC != "" && cfg.PAC != "auto":
		return cfg.PAC, args, nil
	case len(args) > 1 && configPath == "":
		return args[0], args[1:], nil
	case cerr != nil && (configPath != "" || !errors.Is(cerr, fs.ErrNotExist)):
		return "", nil, cerr
	case cerr != nil:
		return "", nil, fmt.Errorf("no PAC to evaluate: name it first (ferry pac eval FILE|URL URL...), or set pac in a config file (none at %s; 'ferry init' writes one)", path)
	}
	return "", nil, fmt.Errorf("no PAC to evaluate: name it first (ferry pac eval FILE|URL URL...), or set pac in %s", cfg.File)
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// configPathOrDefault is path, or the per-OS default when empty.
func configPathOrDefault(path string) string {
	if path != "" {
		return path
	}
	p, err := config.DefaultPath()
	if err != nil {
		return ""
	}
	return p
}
