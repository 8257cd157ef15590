package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/relay/pac"
)

const pacUsage = `Usage: ferry pac eval [--pac FILE|URL] [--config FILE] URL...
       ferry pac check FILE|URL

eval prints the PAC's decision for each URL, as ferry would apply it.
The PAC comes from --pac, else from the config's pac key.
check reports syntax errors and lists the PAC helper functions the file uses.

Examples:
  ferry pac eval --pac http://wpad.corp.example/wpad.dat https://github.com/ http://intranet/
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
	if loc == "" {
		cfg, err := LoadConfigFile(configPathOrDefault(configPath))
		if err != nil {
			printError(stderr, err)
			return exitError
		}
		if loc = cfg.PAC; loc == "" || loc == "auto" {
			printError(stderr, fmt.Errorf("no PAC to evaluate: pass --pac FILE|URL, or set pac in %s", cfg.File))
			return exitError
		}
	}
	s, err := loadPAC(ctx, loc)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	status := exitOK
	for _, raw := range fs.Args() {
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

// configPathOrDefault is path, or the per-OS default when empty.
func configPathOrDefault(path string) string {
	if path != "" {
		return path
	}
	p, err := DefaultConfigPath()
	if err != nil {
		return ""
	}
	return p
}
