package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/relay"
)

const envUsage = `Usage: ferry env [--config FILE] [--shell sh|fish|powershell|cmd]

Print the lines that point tools at ferry: http_proxy, https_proxy and
no_proxy in both cases for your shell, then the matching settings for npm,
git, pip and docker as comments to run once.

Flags:
  -c, --config FILE   the TOML config file (default: as for 'ferry run');
                      its first listen address and its no_proxy are used
  -s, --shell SHELL   sh (also bash, zsh; the default), fish, powershell or cmd
  -h, --help          show this help

Examples:
  eval "$(ferry env)"                       # sh, bash, zsh
  ferry env --shell fish | source           # fish
  ferry env --shell powershell | Invoke-Expression
`

func cmdEnv(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("env")
	var configPath, shell string
	fs.StringVar(&configPath, "config", "", "")
	fs.StringVar(&configPath, "c", "", "")
	fs.StringVar(&shell, "shell", "sh", "")
	fs.StringVar(&shell, "s", "sh", "")
	if status, done := parseNoArgs(fs, args, envUsage, "env", stdout, stderr); done {
		return status
	}
	switch shell {
	case "bash", "zsh", "ksh", "dash":
		shell = "sh"
	case "pwsh":
		shell = "powershell"
	case "sh", "fish", "powershell", "cmd":
	default:
		return usageError(stderr, "env", fmt.Sprintf("--shell %q: want sh, fish, powershell or cmd", shell))
	}
	listen, noProxy := relay.DefaultListen, []string(nil)
	if cfg, _ := config.Load(configPath, config.Overrides{}); cfg != nil {
		if len(cfg.Listen) > 0 {
			listen = cfg.Listen[0]
		}
		noProxy = cfg.NoProxy
	}
	writeEnv(stdout, shell, "http://"+listen, envNoProxy(noProxy))
	return exitOK
}

// envNoProxy is the config's no_proxy plus the loopback names, in the
// comma-separated form tools read; "*.corp.example" becomes ".corp.example",
// which curl, Go, Python and npm all understand as a domain suffix.
func envNoProxy(list []string) string {
	out := []string{"localhost", "127.0.0.1", "::1"}
	for _, p := range list {
		p = strings.TrimPrefix(p, "*")
		if p == "" {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == p
		}
		if !dup {
			out = append(out, p)
		}
	}
	return strings.Join(out, ",")
}

func writeEnv(w io.Writer, shell, proxy, noProxy string) {
	vars := [][2]string{
		{"http_proxy", proxy}, {"https_proxy", proxy}, {"no_proxy", noProxy},
		{"HTTP_PROXY", proxy}, {"HTTPS_PROXY", proxy}, {"NO_PROXY", noProxy},
	}
	comment := "#"
	for _, kv := range vars {
		switch shell {
		case "sh":
			fmt.Fprintf(w, "export %s=%s\n", kv[0], shQuote(kv[1]))
		case "fish":
			fmt.Fprintf(w, "set -gx %s %s\n", kv[0], shQuote(kv[1]))
		case "powershell":
			// Environment variables are case-insensitive on Windows: one
			// line per name is enough.
			if strings.ToLower(kv[0]) == kv[0] {
				fmt.Fprintf(w, "$env:%s = '%s'\n", strings.ToUpper(kv[0]), kv[1])
			}
		case "cmd":
			comment = "REM"
			if strings.ToLower(kv[0]) == kv[0] {
				fmt.Fprintf(w, "set %s=%s\n", strings.ToUpper(kv[0]), kv[1])
			}
		}
	}
	fmt.Fprintf(w, "%s Tools that ignore the variables; run these once:\n", comment)
	fmt.Fprintf(w, "%s   npm config set proxy %s\n", comment, proxy)
	fmt.Fprintf(w, "%s   npm config set https-proxy %s\n", comment, proxy)
	fmt.Fprintf(w, "%s   git config --global http.proxy %s\n", comment, proxy)
	fmt.Fprintf(w, "%s   pip config set global.proxy %s\n", comment, proxy)
	fmt.Fprintf(w, "%s   docker (~/.docker/config.json): {\"proxies\": {\"default\": {\"httpProxy\": %q, \"httpsProxy\": %q, \"noProxy\": %q}}}\n",
		comment, proxy, proxy, noProxy)
	fmt.Fprintf(w, "%s   docker daemon pulls: set HTTP_PROXY and HTTPS_PROXY in the daemon's environment (systemctl edit docker)\n", comment)
}

// shQuote quotes s for sh and fish when it needs it.
func shQuote(s string) string {
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(":/.,-_[]", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
