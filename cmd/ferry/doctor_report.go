package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/doctor"
	"github.com/ferryproxy/ferry/relay"
)

// writeReport writes the support bundle: what a helpdesk needs to see why
// ferry fails, and nothing secret (the config is the redacted summary, the
// status comes from the running ferry's /status.json, which holds none).
func writeReport(path string, cfg *config.Config, dc doctor.Config, res *doctor.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "ferry doctor report, %s\n\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "== version\nferry %s (commit %s, built %s) %s %s/%s\n\n", version, commit, date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "== system\n%s\n\n", osDescription())
	b.WriteString("== configuration (secrets removed)\n")
	if cfg != nil && cfg.File != "" {
		fmt.Fprintf(&b, "file: %s\n", cfg.File)
	}
	if dc.ConfigError != nil {
		fmt.Fprintf(&b, "error: %v\n", dc.ConfigError)
	}
	writeJSON(&b, relay.SummarizeConfig(dc.Relay))
	b.WriteString("\n== doctor\n")
	writeJSON(&b, res)
	b.WriteString("\n== running ferry's status\n")
	if res.Status != nil {
		writeJSON(&b, res.Status)
	} else {
		b.WriteString("no ferry answered on the configured listen address\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

func writeJSON(b *strings.Builder, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintf(b, "(%v)\n", err)
		return
	}
	b.Write(data)
	b.WriteString("\n")
}

// osDescription names the system: /etc/os-release's PRETTY_NAME where there
// is one.
func osDescription() string {
	s := runtime.GOOS + "/" + runtime.GOARCH
	if data, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
				s += ", " + strings.Trim(v, `"`)
			}
		}
	}
	return s
}
